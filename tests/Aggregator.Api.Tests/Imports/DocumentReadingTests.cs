using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Imports;

/// <summary>
/// What a sub-district sends is read as it meant it: the text in whatever encoding its editor saved, a file without text
/// refused as such, and a report of one year never stored as another's.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DocumentReadingTests(ApiFixture api)
{
    private const int NextYear = SeedReport.Year + 1;

    /// <summary>What Notepad's "ANSI" writes on a Chinese Windows (GBK is a subset of it).</summary>
    private static readonly Encoding Gb18030 = CodePagesEncodingProvider.Instance.GetEncoding(54936)!;

    private readonly TestData _data = new(api);

    // --- encodings

    [Fact]
    public async Task Should_store_the_seed_saved_as_gb18030_with_the_same_71_figures_as_the_utf8_text()
    {
        var district = await _data.DistrictAsync();
        var gb18030 = Gb18030.GetBytes(SeedReport.Text);
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(gb18030));

        var stored = await ImportAsync(district, district.SubDistrictA, gb18030, "陶然亭街道2017年报.txt");
        var utf8 = await ImportAsync(district, district.SubDistrictB, Encoding.UTF8.GetBytes(SeedReport.Text), "taoranting-2017.txt");

        await stored.ShouldHaveStatus(HttpStatusCode.Created);
        await utf8.ShouldHaveStatus(HttpStatusCode.Created);
        var body = await stored.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("gb18030", body.GetProperty("encoding").GetString());
        Assert.Equal(2017, body.GetProperty("documentYear").GetInt32());
        Assert.Empty(body.GetProperty("notFound").EnumerateArray());
        Assert.Equal(71, SeedReport.Values.Count);
        Assert.Equal(SeedReport.Values, Values(body));
        Assert.Equal("utf-8", (await utf8.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("encoding").GetString());
        var current = await CurrentAsync(district, district.SubDistrictA);
        Assert.Equal(Values(await CurrentAsync(district, district.SubDistrictB)), Values(current));
        Assert.Equal(SeedReport.Values, Values(current));
    }

    [Theory]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-8 with BOM")]
    public async Task Should_store_the_seed_saved_with_a_byte_order_mark_in_every_figure(string saved)
    {
        var district = await _data.DistrictAsync();
        var (encoding, named) = saved switch
        {
            "utf-16le" => ((Encoding)new UnicodeEncoding(bigEndian: false, byteOrderMark: true), "utf-16le"),
            "utf-16be" => (new UnicodeEncoding(bigEndian: true, byteOrderMark: true), "utf-16be"),
            _ => (new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), "utf-8"),
        };
        byte[] file = [.. encoding.GetPreamble(), .. encoding.GetBytes(SeedReport.Text.ReplaceLineEndings("\r\n"))];

        var response = await ImportAsync(district, district.SubDistrictA, file, "taoranting-2017.txt");

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(named, body.GetProperty("encoding").GetString());
        Assert.Equal(SeedReport.Values, Values(body));
        Assert.Equal(SeedReport.Values, Values(await CurrentAsync(district, district.SubDistrictA)));
    }

    [Fact]
    public async Task Should_say_no_encoding_for_a_word_document()
    {
        var district = await _data.DistrictAsync();

        var response = await ImportAsync(district, district.SubDistrictA, SeedDocx.Build(), "taoranting-2017.docx", dryRun: true);

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("docx", body.GetProperty("format").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("encoding").ValueKind);
        Assert.Equal(2017, body.GetProperty("documentYear").GetInt32());
    }

    // --- a file without text

    [Theory]
    [InlineData("empty", "")]
    [InlineData("blanks", " \r\n\t\n   \n")]
    [InlineData("ideographic spaces", "\u3000\u3000\n\u3000")]
    [InlineData("a BOM alone", "\uFEFF")]
    public async Task Should_refuse_a_text_file_without_any_text_as_an_empty_document(string what, string text)
    {
        var district = await _data.DistrictAsync();
        var file = Encoding.UTF8.GetBytes(text);

        var stored = await ImportAsync(district, district.SubDistrictA, file, "report.txt");
        var dryRun = await ImportAsync(district, district.SubDistrictA, file, "report.txt", dryRun: true);

        foreach (var response in new[] { stored, dryRun })
        {
            var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
            Assert.Equal("/problems/empty-document", problem.GetProperty("type").GetString());
            Assert.Contains("report.txt", problem.GetProperty("detail").GetString());
            Assert.Contains("没有任何文字", problem.GetProperty("detail").GetString());
            Assert.Equal("text", problem.GetProperty("format").GetString());
        }
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
        Assert.NotNull(what);
    }

    [Fact]
    public async Task Should_refuse_a_word_document_without_any_text_as_an_empty_document()
    {
        var district = await _data.DistrictAsync();

        var response = await ImportAsync(district, district.SubDistrictA, BlankDocx(), "blank.docx");

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/problems/empty-document", problem.GetProperty("type").GetString());
        Assert.Equal("docx", problem.GetProperty("format").GetString());
        Assert.False(problem.TryGetProperty("encoding", out _));
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_still_call_text_without_a_statistics_table_unrecognised_not_empty()
    {
        var district = await _data.DistrictAsync();

        var response = await ImportAsync(district, district.SubDistrictA, Encoding.UTF8.GetBytes("一、概述\n本年度工作正常。"), "prose.txt");

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/problems/unrecognised-document", problem.GetProperty("type").GetString());
    }

    // --- the document's year

    [Fact]
    public async Task Should_refuse_the_2017_seed_imported_into_2018_naming_both_years_and_store_nothing()
    {
        var district = await _data.DistrictAsync();

        var response = await ImportAsync(district, district.SubDistrictA, Encoding.UTF8.GetBytes(SeedReport.Text), "taoranting-2017.txt", NextYear);

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/problems/year-mismatch", problem.GetProperty("type").GetString());
        Assert.Equal(2017, problem.GetProperty("documentYear").GetInt32());
        Assert.Equal(2018, problem.GetProperty("year").GetInt32());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("2017年度", detail);
        Assert.Contains("2018年", detail);
        Assert.Equal("utf-8", problem.GetProperty("encoding").GetString());
        var current = await api.Client(district.Keys["reporter@a"]).GetAsync(TestData.ReportPath(district.Tenant, district.SubDistrictA, NextYear));
        Assert.Equal(HttpStatusCode.NotFound, current.StatusCode);
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA, NextYear));
    }

    [Fact]
    public async Task Should_refuse_a_dry_run_of_another_years_document_with_the_same_422()
    {
        var district = await _data.DistrictAsync();

        var response = await ImportAsync(district, district.SubDistrictA, Encoding.UTF8.GetBytes(SeedReport.Text), "taoranting-2017.txt",
            NextYear, dryRun: true);

        await response.ShouldHaveStatus(HttpStatusCode.UnprocessableEntity);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("/problems/year-mismatch", problem.GetProperty("type").GetString());
        Assert.Equal(2017, problem.GetProperty("documentYear").GetInt32());
        Assert.Equal(NextYear, problem.GetProperty("year").GetInt32());
        Assert.Contains("2017", problem.GetProperty("detail").GetString());
        Assert.Contains(NextYear.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("detail").GetString());
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA, NextYear));
    }

    [Fact]
    public async Task Should_refuse_the_seed_as_gb18030_or_as_a_word_document_in_another_year_too()
    {
        var district = await _data.DistrictAsync();

        var gb18030 = await ImportAsync(district, district.SubDistrictA, Gb18030.GetBytes(SeedReport.Text), "report.txt", NextYear);
        var docx = await ImportAsync(district, district.SubDistrictA, SeedDocx.Build(), "report.docx", NextYear);

        var fromText = await gb18030.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/problems/year-mismatch", fromText.GetProperty("type").GetString());
        Assert.Equal("gb18030", fromText.GetProperty("encoding").GetString());
        var fromWord = await docx.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/problems/year-mismatch", fromWord.GetProperty("type").GetString());
        Assert.Equal(2017, fromWord.GetProperty("documentYear").GetInt32());
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA, NextYear));
    }

    [Theory]
    [InlineData("陶然亭街道2017年政府信息公开工作年度报告", 2017)]
    [InlineData("陶然亭街道二〇一七年政府信息公开工作年度报告", 2017)]
    [InlineData("陶然亭街道２０１８年度政府信息公开工作年度报告", 2018)]
    public async Task Should_take_the_year_from_the_title_when_the_table_header_names_none(string title, int named)
    {
        var district = await _data.DistrictAsync();
        var text = SeedReport.Text.Replace("陶然亭街道2017年政府信息公开工作年度报告", title, StringComparison.Ordinal)
            .Replace("（2017年度）", "", StringComparison.Ordinal);
        var other = named == 2017 ? 2018 : 2017;

        var refused = await ImportAsync(district, district.SubDistrictA, Encoding.UTF8.GetBytes(text), "report.txt", other);
        var stored = await ImportAsync(district, district.SubDistrictA, Encoding.UTF8.GetBytes(text), "report.txt", named);

        var problem = await refused.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(named, problem.GetProperty("documentYear").GetInt32());
        Assert.Equal(other, problem.GetProperty("year").GetInt32());
        Assert.Contains("标题", problem.GetProperty("detail").GetString());
        await stored.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(named, (await stored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentYear").GetInt32());
    }

    [Fact]
    public async Task Should_import_a_document_that_names_no_year_into_the_year_it_is_sent_to()
    {
        var district = await _data.DistrictAsync();
        var text = SeedReport.Text.Replace("陶然亭街道2017年政府信息公开工作年度报告", "陶然亭街道政府信息公开工作年度报告", StringComparison.Ordinal)
            .Replace("（2017年度）", "", StringComparison.Ordinal);

        var response = await ImportAsync(district, district.SubDistrictA, Encoding.UTF8.GetBytes(text), "report.txt", NextYear);

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, body.GetProperty("documentYear").ValueKind);
        Assert.Equal(SeedReport.Values, Values(body));
    }

    [Fact]
    public async Task Should_go_by_the_table_header_and_warn_when_the_title_names_another_year()
    {
        var district = await _data.DistrictAsync();
        // Last year's title left in this year's document: the table header labels the figures.
        var text = SeedReport.Text.Replace("陶然亭街道2017年政府信息公开工作年度报告", "陶然亭街道2016年政府信息公开工作年度报告", StringComparison.Ordinal);

        var byTitle = await ImportAsync(district, district.SubDistrictA, Encoding.UTF8.GetBytes(text), "report.txt", 2016);
        var byHeader = await ImportAsync(district, district.SubDistrictA, Encoding.UTF8.GetBytes(text), "report.txt", 2017);

        var problem = await byTitle.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/problems/year-mismatch", problem.GetProperty("type").GetString());
        Assert.Equal(2017, problem.GetProperty("documentYear").GetInt32());
        await byHeader.ShouldHaveStatus(HttpStatusCode.Created);
        var body = await byHeader.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2017, body.GetProperty("documentYear").GetInt32());
        var warning = Assert.Single(body.GetProperty("warnings").EnumerateArray(),
            w => w.GetProperty("ruleId").GetString() == "document-years-differ");
        Assert.Contains("2016", warning.GetProperty("message").GetString());
        Assert.Contains("2017", warning.GetProperty("message").GetString());
        var current = await CurrentAsync(district, district.SubDistrictA);
        Assert.Contains(current.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("ruleId").GetString() == "document-years-differ");
    }

    [Fact]
    public async Task Should_not_take_a_year_mentioned_in_the_prose_for_the_documents_year()
    {
        var district = await _data.DistrictAsync();
        // The seed's prose names 2008, 2018 (改进措施) and dates; only its title and table header name the report's year.
        var text = SeedReport.Text.Replace("（2017年度）", "", StringComparison.Ordinal)
            .Replace("陶然亭街道2017年政府信息公开工作年度报告", "陶然亭街道政府信息公开工作年度报告", StringComparison.Ordinal);
        Assert.Contains("2018年改进措施", text);

        var response = await ImportAsync(district, district.SubDistrictA, Encoding.UTF8.GetBytes(text), "report.txt", dryRun: true);

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, body.GetProperty("documentYear").ValueKind);
        Assert.Empty(body.GetProperty("errors").EnumerateArray());
    }

    // --- file names and the note limit

    [Fact]
    public async Task Should_refuse_a_file_name_longer_than_255_characters_naming_the_file_field()
    {
        var district = await _data.DistrictAsync();
        var file = Encoding.UTF8.GetBytes(SeedReport.Text);
        var longest = new string('报', 251) + ".txt";

        var refused = await ImportAsync(district, district.SubDistrictA, file, new string('报', 252) + ".txt");
        // As curl sends it (filename= only), the hostile pass's 10,015 characters: within the 16 KiB a part's headers may have.
        var huge = await api.Client(district.Keys["tenant-admin@root"]).PostAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/import",
            FormWithFileName(file, new string('a', 10_011) + ".txt"));
        var accepted = await ImportAsync(district, district.SubDistrictA, file, longest);

        foreach (var response in new[] { refused, huge })
        {
            var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
            var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
            Assert.True(error.GetProperty("name").GetString() == "file", problem.ToString());
            Assert.Contains("255", error.GetProperty("reason").GetString());
        }
        await accepted.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_refuse_a_csv_file_name_longer_than_255_characters_and_note_a_long_one_within_the_limit()
    {
        var district = await _data.DistrictAsync();
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        var csv = new ImportCsv().Report(district.SubDistrictA, 2016).Bytes();
        var longest = new string('表', 251) + ".csv";

        var refused = await admin.PostAsync(ImportCsv.Path(district.Tenant), FormWithFileName(csv, new string('a', 10_011) + ".csv"));
        var accepted = await ImportCsv.SendAsync(admin, district.Tenant, csv, fileName: longest);

        var problem = await refused.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal("file", Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("name").GetString());
        await accepted.ShouldHaveStatus(HttpStatusCode.Accepted);
        var job = await ImportCsv.WaitAsync(admin, accepted.Headers.Location!.OriginalString);
        Assert.Equal(1, job.GetProperty("result").GetProperty("reports").GetProperty("stored").GetInt32());
        Assert.Equal($"CSV import {longest}", await NoteAsync(district, district.SubDistrictA, 2016));
    }

    [Fact]
    public async Task Should_keep_a_composed_note_within_the_note_limit_whatever_the_file_name()
    {
        // An import queued before file names were bounded: its name alone is five times the note limit.
        var district = await _data.DistrictAsync();
        var tenantId = await _data.TenantIdAsync(district.Tenant);
        var (keyId, _) = await _data.KeyAsync(district.Tenant, district.Tenant, "tenant-admin");
        var importId = Guid.NewGuid();
        var fileName = string.Concat(Enumerable.Repeat("年报", 5_000)) + ".csv";
        var csv = new ImportCsv().Report(district.SubDistrictA, 2016).Bytes();
        await using (var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None))
        {
            await db.ExecuteAsync("""
                INSERT INTO csv_imports (tenant_id, import_id, api_key_id, role, org_unit_id, file_name, content, rows, dry_run)
                SELECT @tenantId, @importId, @keyId, 'tenant-admin', org_unit_id, @fileName, @csv, 71, false
                FROM org_units WHERE tenant_id = @tenantId AND code = @root
                """, new { tenantId, importId, keyId, fileName, csv, root = district.Tenant });
            await db.CommitAsync();
        }

        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Aggregator.Api.Features.Imports.ImportJob>(api.Factory.Services)
            .ExecuteAsync(tenantId, importId, CancellationToken.None);

        var note = await NoteAsync(district, district.SubDistrictA, 2016);
        Assert.Equal(2000, note.EnumerateRunes().Count());
        Assert.StartsWith("CSV import 年报年报", note);
        Assert.EndsWith("…", note);
    }

    private Task<HttpResponseMessage> ImportAsync(District district, string org, byte[] file, string fileName, int year = SeedReport.Year,
        bool dryRun = false) =>
        TestData.ImportAsync(api.Client(district.Keys["tenant-admin@root"], language: null), district.Tenant, org, file, fileName, year, dryRun);

    private Task<JsonElement> CurrentAsync(District district, string org) =>
        api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, org));

    private async Task<string> NoteAsync(District district, string org, int year)
    {
        var history = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>($"{TestData.ReportPath(district.Tenant, org, year)}/versions");
        return history.GetProperty("items")[0].GetProperty("note").GetString()!;
    }

    /// <summary>A form whose file part names its file as curl and browsers do: <c>filename="…"</c> only (HttpClient adds <c>filename*</c>).</summary>
    private static MultipartFormDataContent FormWithFileName(byte[] file, string fileName)
    {
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        part.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = $"\"{fileName}\"" };
        var form = new MultipartFormDataContent();
        form.Add(part);
        return form;
    }

    /// <summary>A Word document of an empty paragraph and one of blanks: what "save" makes of a report never written.</summary>
    private static byte[] BlankDocx()
    {
        using var buffer = new MemoryStream();
        using (var document = DocumentFormat.OpenXml.Packaging.WordprocessingDocument.Create(buffer, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new DocumentFormat.OpenXml.Wordprocessing.Document(new DocumentFormat.OpenXml.Wordprocessing.Body(
                new DocumentFormat.OpenXml.Wordprocessing.Paragraph(),
                new DocumentFormat.OpenXml.Wordprocessing.Paragraph(new DocumentFormat.OpenXml.Wordprocessing.Run(
                    new DocumentFormat.OpenXml.Wordprocessing.Text("\u3000 ") { Space = DocumentFormat.OpenXml.SpaceProcessingModeValues.Preserve }))));
            main.Document.Save();
        }
        return buffer.ToArray();
    }

    private static List<KeyValuePair<string, decimal?>> Values(JsonElement body) =>
        body.GetProperty("values").EnumerateObject()
            .Select(p => KeyValuePair.Create(p.Name, p.Value.ValueKind == JsonValueKind.Null ? (decimal?)null : p.Value.GetDecimal()))
            .ToList();
}
