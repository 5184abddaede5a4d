using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Aggregator.Api.Tests.Edge;

/// <summary>A small upload that inflates into a huge table is refused quickly, with a short answer.</summary>
[Collection(ApiCollection.Name)]
public sealed class DocumentBombTests(ApiFixture api, Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_refuse_a_small_docx_with_92520_table_rows_with_a_short_422()
    {
        var district = await _data.DistrictAsync();
        var bomb = Docx(rows: 92_520);

        var clock = Stopwatch.StartNew();
        var response = await DryRunAsync(district, bomb, "bomb.docx");
        var body = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{bomb.Length:N0} bytes refused in {clock.Elapsed.TotalSeconds:F2} s with {body.Length:N0} characters");

        await ShouldBeTooLargeAsync(response);
        Assert.True(body.Length < 2_000, body);
    }

    [Theory]
    [InlineData(1_000, HttpStatusCode.OK)]
    [InlineData(1_001, HttpStatusCode.UnprocessableEntity)]
    public async Task Should_read_a_statistics_table_of_up_to_1000_rows(int rows, HttpStatusCode expected)
    {
        var district = await _data.DistrictAsync();

        var docx = await DryRunAsync(district, Docx(rows), "table.docx");
        var text = await DryRunAsync(district, Text(rows), "table.txt");

        foreach (var response in new[] { docx, text })
        {
            if (expected == HttpStatusCode.OK) await response.ShouldHaveStatus(HttpStatusCode.OK);
            else await ShouldBeTooLargeAsync(response);
        }
    }

    [Fact]
    public async Task Should_refuse_a_docx_whose_tables_together_have_more_than_5000_rows()
    {
        var district = await _data.DistrictAsync();

        var response = await DryRunAsync(district, Docx(rows: 900, tables: 6), "annexes.docx");

        await ShouldBeTooLargeAsync(response);
    }

    [Fact]
    public async Task Should_refuse_a_docx_whose_text_inflates_beyond_4_million_characters()
    {
        var district = await _data.DistrictAsync();

        var response = await DryRunAsync(district, Docx(rows: 10, prose: new string('文', 4_500_000)), "long.docx");

        await ShouldBeTooLargeAsync(response);
    }

    [Fact]
    public async Task Should_clip_a_huge_cell_in_what_it_answers()
    {
        var district = await _data.DistrictAsync();

        var response = await DryRunAsync(district, Docx(rows: 3, label: new string('长', 100_000)), "cell.docx");

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(body.Length < 10_000, $"{body.Length:N0} characters");
    }

    private static async Task ShouldBeTooLargeAsync(HttpResponseMessage response)
    {
        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.EndsWith("/problems/document-too-large", problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    /// <summary>A Word document with <paramref name="tables"/> tables of a 统计指标 header and <paramref name="rows"/> rows each.</summary>
    private static byte[] Docx(int rows, int tables = 1, string? prose = null, string label = "行")
    {
        using var buffer = new MemoryStream();
        using (var document = WordprocessingDocument.Create(buffer, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new Body(Paragraph(prose ?? "政府信息公开情况统计表"));
            for (var t = 0; t < tables; t++)
            {
                var table = new Table(Row("统计指标", "统计数"));
                for (var i = 0; i < rows - 1; i++) table.Append(Row(label, "1"));
                body.Append(table);
            }
            main.Document = new Document(body);
            main.Document.Save();
        }
        return buffer.ToArray();
    }

    /// <summary>The published text layout with one row per line, a header and <paramref name="rows"/> rows.</summary>
    private static byte[] Text(int rows)
    {
        var text = new StringBuilder("政府信息公开情况统计表\n统计指标\t单位\t统计数\n");
        for (var i = 0; i < rows; i++) text.Append("行\t件\t1\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static Paragraph Paragraph(string text) => new(new Run(new Text(text)));

    private static DocumentFormat.OpenXml.Wordprocessing.TableRow Row(params string[] cells) =>
        new(cells.Select(cell => new TableCell(Paragraph(cell))).Cast<OpenXmlElement>());

    private Task<HttpResponseMessage> DryRunAsync(District district, byte[] file, string fileName) =>
        TestData.ImportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, file, fileName, dryRun: true);
}
