using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>What changed between two versions: against the previous one by default, version 1 against nothing, 404 for a version that is not there.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReportDiffTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_compare_a_version_with_the_previous_one_when_against_is_left_out()
    {
        var (reporter, path) = await ThreeVersionsAsync();

        var diff = await reporter.GetAsync($"{path}/versions/3/diff");

        await diff.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await diff.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, body.GetProperty("version").GetInt32());
        Assert.Equal(2, body.GetProperty("against").GetInt32());
        Assert.Equal("bj-gip-2017", body.GetProperty("againstTemplate").GetString());
        var change = Assert.Single(body.GetProperty("changed").EnumerateArray());
        Assert.Equal("1.1", change.GetProperty("code").GetString());
        Assert.Equal(976, change.GetProperty("from").GetDecimal());
        Assert.Equal(977, change.GetProperty("to").GetDecimal());
        Assert.Empty(body.GetProperty("added").EnumerateArray());
        Assert.Empty(body.GetProperty("removed").EnumerateArray());
    }

    [Fact]
    public async Task Should_compare_with_the_version_named_by_against()
    {
        var (reporter, path) = await ThreeVersionsAsync();

        var body = await reporter.GetFromJsonAsync<JsonElement>($"{path}/versions/3/diff?against=1");

        Assert.Equal(1, body.GetProperty("against").GetInt32());
        var change = Assert.Single(body.GetProperty("changed").EnumerateArray());
        Assert.Equal(975, change.GetProperty("from").GetDecimal());
        Assert.Equal(977, change.GetProperty("to").GetDecimal());
    }

    [Fact]
    public async Task Should_show_every_cell_of_version_1_as_added_against_an_empty_report()
    {
        var (reporter, path) = await ThreeVersionsAsync();

        var diff = await reporter.GetAsync($"{path}/versions/1/diff");

        await diff.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await diff.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("against").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("againstTemplate").ValueKind);
        Assert.Empty(body.GetProperty("changed").EnumerateArray());
        Assert.Empty(body.GetProperty("removed").EnumerateArray());
        var added = body.GetProperty("added").EnumerateArray()
            .Select(cell => KeyValuePair.Create(cell.GetProperty("code").GetString()!,
                cell.GetProperty("value").ValueKind == JsonValueKind.Null ? (decimal?)null : cell.GetProperty("value").GetDecimal()))
            .ToList();
        Assert.Equal(SeedReport.Values, added);
    }

    [Theory]
    [InlineData("versions/9/diff")]
    [InlineData("versions/9/diff?against=1")]
    [InlineData("versions/3/diff?against=9")]
    [InlineData("versions/3/diff?against=0")]
    [InlineData("versions/3/diff?against=-1")]
    [InlineData("versions/0/diff")]
    public async Task Should_answer_404_for_a_version_that_is_not_there(string what)
    {
        var (reporter, path) = await ThreeVersionsAsync();

        var response = await reporter.GetAsync($"{path}/{what}");

        var problem = await response.ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Contains("Version", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_400_for_an_against_that_is_not_a_number()
    {
        var (reporter, path) = await ThreeVersionsAsync();

        var response = await reporter.GetAsync($"{path}/versions/3/diff?against=two");

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), error => error.GetProperty("name").GetString() == "against");
    }

    [Fact]
    public async Task Should_document_against_as_optional_with_its_default()
    {
        var document = await api.Admin().GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        var operation = document.GetProperty("paths")
            .GetProperty("/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}/diff").GetProperty("get");

        var against = operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "against");
        Assert.Equal("query", against.GetProperty("in").GetString());
        Assert.False(against.TryGetProperty("required", out var required) && required.GetBoolean());
        Assert.Contains("previous version", against.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("404", operation.GetProperty("responses").EnumerateObject().Select(r => r.Name));
    }

    /// <summary>The seed as version 1, then 1.1 corrected to 976 (version 2) and to 977 (version 3).</summary>
    private async Task<(HttpClient Reporter, string Path)> ThreeVersionsAsync()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        foreach (var value in new[] { 975, 976, 977 })
            await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", value)))
                .ShouldHaveStatus(HttpStatusCode.Created);
        return (reporter, TestData.ReportPath(district.Tenant, district.SubDistrictA));
    }
}
