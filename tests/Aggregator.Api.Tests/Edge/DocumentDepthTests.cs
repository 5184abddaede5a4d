using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using DocumentFormat.OpenXml.Packaging;

namespace Aggregator.Api.Tests.Edge;

/// <summary>
/// A small .docx whose XML nests very deep is refused before OpenXML builds its DOM: the DOM is built recursively,
/// and 100,000 nested elements overflowed the stack and ended the whole API process.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DocumentDepthTests(ApiFixture api, Xunit.Abstractions.ITestOutputHelper output)
{
    private const string W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    private readonly TestData _data = new(api);

    [Theory]
    [InlineData(20_000)]
    [InlineData(100_000)]
    public async Task Should_refuse_a_small_docx_of_deeply_nested_runs_quickly_and_stay_alive(int depth)
    {
        var district = await _data.DistrictAsync();
        var bomb = SeedWith($"<w:tbl><w:tr><w:tc><w:p>{Repeat("<w:r>", depth)}{Repeat("</w:r>", depth)}</w:p></w:tc></w:tr></w:tbl>");

        var clock = Stopwatch.StartNew();
        var response = await DryRunAsync(district, bomb, "deep.docx");
        output.WriteLine($"{bomb.Length:N0} bytes nesting {depth:N0} deep refused in {clock.Elapsed.TotalMilliseconds:F0} ms");

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.EndsWith("/problems/document-too-large", problem.GetProperty("type").GetString());
        Assert.Contains("nests deeper than 64", problem.GetProperty("detail").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed.TotalSeconds:F2} s (unguarded it took 16 s, or ended the process)");
        var alive = await DryRunAsync(district, SeedDocx.Build(), "taoranting-2017.docx");
        await alive.ShouldHaveStatus(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(19, HttpStatusCode.OK)]
    [InlineData(20, HttpStatusCode.UnprocessableEntity)]
    public async Task Should_read_the_statistics_table_beside_tables_nested_19_deep_but_not_20(int tables, HttpStatusCode expected)
    {
        var district = await _data.DistrictAsync();
        // document > body > (tbl > tr > tc) × tables > p > r > t: 19 tables put the text at depth 61, 20 at 64.
        var nested = SeedWith($"{Repeat("<w:tbl><w:tr><w:tc>", tables)}<w:p><w:r><w:t>附表</w:t></w:r></w:p>{Repeat("</w:tc></w:tr></w:tbl>", tables)}");

        var response = await DryRunAsync(district, nested, "nested.docx");

        if (expected == HttpStatusCode.OK)
        {
            await response.ShouldHaveStatus(HttpStatusCode.OK);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(SeedReport.Values.Count, body.GetProperty("values").EnumerateObject().Count());
        }
        else
        {
            var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
            Assert.EndsWith("/problems/document-too-large", problem.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task Should_refuse_deep_nesting_in_the_relationships_part_before_opening_the_package()
    {
        var district = await _data.DistrictAsync();
        const int depth = 100_000;
        var bomb = WithEntry(SeedDocx.Build(), "word/_rels/document.xml.rels",
            $"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{Repeat("<x>", depth)}{Repeat("</x>", depth)}</Relationships>");

        var clock = Stopwatch.StartNew();
        var response = await DryRunAsync(district, bomb, "deep-rels.docx");
        output.WriteLine($"{bomb.Length:N0} bytes, relationships nested {depth:N0} deep, refused in {clock.Elapsed.TotalMilliseconds:F0} ms");

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.EndsWith("/problems/document-too-large", problem.GetProperty("type").GetString());
        Assert.Contains("document.xml.rels", problem.GetProperty("detail").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed.TotalSeconds:F2} s (unguarded it took 16 s, or ended the process)");
    }

    [Fact]
    public async Task Should_refuse_an_element_with_hundreds_of_thousands_of_attributes()
    {
        var district = await _data.DistrictAsync();
        // 340,000 attributes on one element stay under the 4 M characters and the 1 MiB upload, and cost OpenXML 6 s of CPU.
        var attributes = string.Concat(Enumerable.Range(0, 340_000).Select(i => $" a{i}=\"1\""));
        var bomb = SeedWith($"<w:p{attributes}/>");

        var clock = Stopwatch.StartNew();
        var response = await DryRunAsync(district, bomb, "attributes.docx");
        output.WriteLine($"{bomb.Length:N0} bytes, 340,000 attributes on one element, answered in {clock.Elapsed.TotalMilliseconds:F0} ms");

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.EndsWith("/problems/document-too-large", problem.GetProperty("type").GetString());
        Assert.Contains("attributes", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Should_refuse_a_docx_whose_main_part_declares_a_dtd_as_unreadable()
    {
        var district = await _data.DistrictAsync();
        var docx = Rewrite(SeedDocx.Build(), xml => xml.Insert(xml.IndexOf("<w:document", StringComparison.Ordinal),
            "<!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"));

        var response = await DryRunAsync(district, docx, "dtd.docx");

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Contains("not a readable .docx", problem.GetRawText());
    }

    /// <summary>The seed's Word document with <paramref name="xml"/> (WordprocessingML, prefix w) after its table.</summary>
    private static byte[] SeedWith(string xml) =>
        Rewrite(SeedDocx.Build(), main => main.Replace("</w:body>", xml + "</w:body>", StringComparison.Ordinal));

    /// <summary>
    /// Rewrites the main part as text: the OpenXML SDK writes its DOM recursively too, so the test cannot build a
    /// deep document through it.
    /// </summary>
    private static byte[] Rewrite(byte[] docx, Func<string, string> change)
    {
        using var buffer = new MemoryStream();
        buffer.Write(docx);
        using (var document = WordprocessingDocument.Open(buffer, isEditable: true))
        {
            var main = document.MainDocumentPart!;
            string xml;
            using (var reader = new StreamReader(main.GetStream(FileMode.Open, FileAccess.Read))) xml = reader.ReadToEnd();
            Assert.Contains($"xmlns:w=\"{W}\"", xml);
            main.FeedData(new MemoryStream(new UTF8Encoding(false).GetBytes(change(xml))));
        }
        return buffer.ToArray();
    }

    /// <summary>The package with one zip entry written as given, whatever it holds (OpenXML would refuse to write a broken part).</summary>
    private static byte[] WithEntry(byte[] docx, string name, string content)
    {
        using var buffer = new MemoryStream();
        buffer.Write(docx);
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry(name)?.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
            writer.Write(content);
        }
        return buffer.ToArray();
    }

    private static string Repeat(string text, int times) => new StringBuilder(text.Length * times).Insert(0, text, times).ToString();

    private Task<HttpResponseMessage> DryRunAsync(District district, byte[] file, string fileName) =>
        TestData.ImportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, file, fileName, dryRun: true);
}
