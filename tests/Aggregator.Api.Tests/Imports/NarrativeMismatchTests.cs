using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Aggregator.Api.Tests.Imports;

/// <summary>
/// An imported report's prose checked against its own table: numbers it states about indicators that the table
/// contradicts are <c>narrative-mismatch</c> warnings, stored with the version, shown by a dry run and in the quality flags.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class NarrativeMismatchTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    /// <summary>
    /// The seed's own prose against its own table: "在已经答复的3件申请中" where the table answered two (3.3 = 2), so its
    /// answers' shares (33% of 3) are 50% by the table, and its third answer, "申请内容不明确的1件" (告知作出更改补充, 3.3.7),
    /// is 0 in the table. Where they agree (1.1 = 975, 3.1 = 3, 67% and 33% online and by letter) nothing is said.
    /// </summary>
    private static readonly (string Indicator, string? Of, decimal Stated, decimal Table)[] SeedMismatches =
        [("3.3", null, 3, 2), ("3.3.3", "3.3", 33, 50), ("3.3.5", "3.3", 33, 50), ("3.3.7", null, 1, 0)];

    [Fact]
    public async Task Should_warn_where_the_seed_prose_contradicts_its_own_table_and_store_the_warnings_with_the_version()
    {
        var district = await _data.DistrictAsync();

        var response = await ImportAsync(district, Encoding.UTF8.GetBytes(SeedReport.Text), "taoranting-2017.txt");

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(SeedMismatches, Mismatches(body));
        var answered = Narrative(body).First();
        Assert.Equal("在已经答复的3件申请中：“同意部分公开”的1件，占总数33%；", answered.GetProperty("narrative").GetProperty("sentence").GetString());
        Assert.Equal("count", answered.GetProperty("narrative").GetProperty("kind").GetString());
        Assert.Contains("申请答复数(3.3)为3，统计表为2", answered.GetProperty("message").GetString());
        Assert.DoesNotContain(Mismatches(body), m => m.Indicator is "1.1" or "3.1" or "3.1.3" or "3.1.4" or "7");

        var current = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal(SeedMismatches, Mismatches(current));
    }

    [Fact]
    public async Task Should_warn_once_more_when_the_prose_states_957_disclosures_and_the_table_975()
    {
        var district = await _data.DistrictAsync();
        var text = SeedReport.Text.Replace("975条", "957条", StringComparison.Ordinal);

        var dryRun = await ImportAsync(district, Encoding.UTF8.GetBytes(text), "taoranting-2017.txt", dryRun: true);

        await dryRun.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await dryRun.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([("1.1", null, 957m, 975m), .. SeedMismatches], Mismatches(body));
        var disclosures = Narrative(body).First();
        Assert.Equal("本单位2017年共主动公开政府信息957条，其中全文电子化率达100%。", disclosures.GetProperty("narrative").GetProperty("sentence").GetString());
        Assert.Contains("主动公开政府信息数(1.1)为957，统计表为975", disclosures.GetProperty("message").GetString());
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_show_the_prose_mismatches_in_the_quality_flags_in_chinese()
    {
        var district = await _data.DistrictAsync();
        var text = SeedReport.Text.Replace("975条", "957条", StringComparison.Ordinal);
        await (await ImportAsync(district, Encoding.UTF8.GetBytes(text), "taoranting-2017.txt")).ShouldHaveStatus(HttpStatusCode.Created);

        var quality = await api.Client(district.Keys["viewer@root"])
            .GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/quality/{SeedReport.Year}");

        var flags = quality.GetProperty("flags").EnumerateArray()
            .Where(flag => flag.GetProperty("ruleId").GetString() == "narrative-mismatch").ToList();
        Assert.Equal(["1.1", "3.3", "3.3.3", "3.3.5", "3.3.7"], flags.Select(flag => flag.GetProperty("indicator").GetString()));
        var disclosures = flags[0];
        Assert.Equal(district.SubDistrictA, disclosures.GetProperty("orgUnit").GetString());
        Assert.Equal(975m, disclosures.GetProperty("value").GetDecimal());
        Assert.Equal("warning", disclosures.GetProperty("kind").GetString());
        Assert.Equal("正文“本单位2017年共主动公开政府信息957条，其中全文电子化率达100%。”中主动公开政府信息数(1.1)为957，统计表为975。",
            disclosures.GetProperty("why").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Should_check_the_prose_of_a_word_document_the_same_way(bool titled)
    {
        var district = await _data.DistrictAsync();
        var text = SeedReport.Text.Replace("975条", "957条", StringComparison.Ordinal);

        var response = await ImportAsync(district, DocxOf(text, titled), "taoranting-2017.docx");

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("docx", body.GetProperty("format").GetString());
        Assert.Equal(SeedReport.Values, body.GetProperty("values").EnumerateObject()
            .Select(p => KeyValuePair.Create(p.Name, p.Value.ValueKind == JsonValueKind.Null ? (decimal?)null : p.Value.GetDecimal())).ToList());
        Assert.Equal([("1.1", null, 957m, 975m), .. SeedMismatches], Mismatches(body));
    }

    [Fact]
    public async Task Should_stay_bounded_on_a_prose_of_thousands_of_numbers_with_control_characters()
    {
        var district = await _data.DistrictAsync();
        var prose = new StringBuilder("陶然亭街道2017年政府信息公开工作年度报告\n");
        for (var i = 0; prose.Length < 300_000; i++)
            prose.Append("共主动公开\u0000政府信息").Append(i).Append("条，通过互联网提交申请有\u0007").Append(i % 9).Append("件，占总数的").Append(i % 100).Append("%；1,234.5万 ");
        var text = prose + SeedReport.Text[SeedReport.Text.IndexOf("附件1", StringComparison.Ordinal)..];

        var response = await ImportAsync(district, Encoding.UTF8.GetBytes(text), "huge.txt");

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var narrative = Narrative(body).ToList();
        // One warning per indicator, the first place the prose misstates it: 1.1 as 0, 3.1.3 as 0.
        Assert.Equal([("1.1", null, 0m, 975m), ("3.1.3", null, 0m, 2m)], Mismatches(body));
        Assert.All(narrative, warning =>
        {
            var sentence = warning.GetProperty("narrative").GetProperty("sentence").GetString()!;
            Assert.True(sentence.Length <= 120, sentence);
            Assert.DoesNotContain(sentence, char.IsControl);
        });
        var current = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal(2, Narrative(current).Count());
    }

    [Fact]
    public async Task Should_show_the_phrases_a_template_checks_in_the_prose()
    {
        var template = await api.Client((await _data.DistrictAsync()).Keys["reporter@a"]).GetFromJsonAsync<JsonElement>("/api/v1/templates/bj-gip-2017");

        var phrases = template.GetProperty("narrative").EnumerateArray()
            .Select(p => (p.GetProperty("indicator").GetString(), p.GetProperty("of").GetString(), p.GetProperty("phrase").GetString())).ToList();
        Assert.Contains(("1.1", null, "[共]主动公开政府信息{n}条"), phrases);
        Assert.Contains(("3.1.3", "3.1", "通过互联网提交申请[有]{n}件，占总数[的]{p}%"), phrases);
    }

    private Task<HttpResponseMessage> ImportAsync(District district, byte[] file, string fileName, bool dryRun = false) =>
        TestData.ImportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, file, fileName, dryRun: dryRun);

    private static IEnumerable<JsonElement> Narrative(JsonElement body) =>
        body.GetProperty("warnings").EnumerateArray().Where(w => w.GetProperty("ruleId").GetString() == "narrative-mismatch");

    private static (string Indicator, string? Of, decimal Stated, decimal Table)[] Mismatches(JsonElement body) =>
        Narrative(body).Select(w =>
        {
            var indicators = w.GetProperty("indicators").EnumerateArray().Select(i => i.GetString()!).ToList();
            var narrative = w.GetProperty("narrative");
            return (indicators[0], indicators.Count > 1 ? indicators[1] : null, narrative.GetProperty("stated").GetDecimal(), narrative.GetProperty("table").GetDecimal());
        }).ToArray();

    /// <summary>The seed as a Word document: each line of its prose a paragraph, then (titled or not) its table as a Word table.</summary>
    private static byte[] DocxOf(string text, bool titled)
    {
        var prose = text[..text.IndexOf("政府信息公开情况统计表", StringComparison.Ordinal)].ReplaceLineEndings("\n").Split('\n');
        using var buffer = new MemoryStream();
        using (var document = WordprocessingDocument.Create(buffer, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var table = new Table(Row("统 计 指 标", "单位", "统计数"));
            foreach (var row in SeedReport.Rows) table.Append(Row(row.Label, row.Unit, row.Value));
            var body = new Body(prose.Select(Paragraph));
            if (titled) body.Append(Paragraph("政府信息公开情况统计表（2017年度）"));
            body.Append(table);
            main.Document = new Document(body);
            main.Document.Save();
        }
        return buffer.ToArray();
    }

    private static Paragraph Paragraph(string text) => new(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));

    private static DocumentFormat.OpenXml.Wordprocessing.TableRow Row(params string[] cells) =>
        new(cells.Select(cell => new TableCell(Paragraph(cell))).Cast<OpenXmlElement>());
}
