using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>Importing the annual report as users have it: the published text, or a Word document.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReportImportTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_read_every_seed_value_from_the_report_text_without_storing_on_a_dry_run()
    {
        var district = await _data.DistrictAsync();

        var response = await ImportAsync(district, Encoding.UTF8.GetBytes(SeedReport.Text), "taoranting-2017.txt", dryRun: true);

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("text", body.GetProperty("format").GetString());
        Assert.Equal(SeedReport.Values, Values(body));
        Assert.Empty(body.GetProperty("unmapped").EnumerateArray());
        Assert.Empty(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("stored").ValueKind);
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_store_the_seed_from_a_word_document_like_a_post()
    {
        var district = await _data.DistrictAsync();

        var response = await ImportAsync(district, SeedDocx.Build(), "taoranting-2017.docx");

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("docx", body.GetProperty("format").GetString());
        Assert.Equal(1, body.GetProperty("stored").GetProperty("version").GetInt32());
        var current = await api.Client(district.Keys["reporter@a"]).GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal(SeedReport.Values, Values(current));
        Assert.Equal(response.Headers.ETag?.ToString(), current.GetProperty("etag").GetString());
    }

    [Fact]
    public async Task Should_name_rows_it_cannot_map_and_refuse_to_store_a_table_that_breaks_the_rules()
    {
        var district = await _data.DistrictAsync();
        var docx = SeedDocx.Build(row => row.Label.Contains("按时办结数", StringComparison.Ordinal) ? row with { Value = "3" }
            : row.Label.Contains("当面申请数", StringComparison.Ordinal) ? row with { Label = "1.现场申请数" } : row);

        var dryRun = await ImportAsync(district, docx, "broken.docx", dryRun: true);
        var stored = await ImportAsync(district, docx, "broken.docx");

        var body = await dryRun.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("1.现场申请数", body.GetProperty("unmapped")[0].GetProperty("label").GetString());
        Assert.Contains("3.1.1", body.GetProperty("notFound").EnumerateArray().Select(c => c.GetString()));
        Assert.NotEmpty(body.GetProperty("errors").EnumerateArray());
        await stored.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_answer_422_for_a_document_without_a_statistics_table()
    {
        var district = await _data.DistrictAsync();

        var response = await ImportAsync(district, Encoding.UTF8.GetBytes("陶然亭街道2017年政府信息公开工作年度报告\n一、概述"), "prose.txt");

        await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
    }

    private Task<HttpResponseMessage> ImportAsync(District district, byte[] file, string fileName, bool dryRun = false) =>
        TestData.ImportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, file, fileName, dryRun: dryRun);

    private static List<KeyValuePair<string, decimal?>> Values(JsonElement body) =>
        body.GetProperty("values").EnumerateObject()
            .Select(p => KeyValuePair.Create(p.Name, p.Value.ValueKind == JsonValueKind.Null ? (decimal?)null : p.Value.GetDecimal()))
            .ToList();
}
