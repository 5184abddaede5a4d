using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Edge;

/// <summary>
/// A report's values are bounded at the edge, and an answer names only the first unknown codes: a 1 MB body of
/// 60,000 made-up codes was answered with 29.7 MB (validate) and 11.4 MB (a version's 422).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ValuesBoundTests(ApiFixture api, Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Validate = "/api/v1/templates/bj-gip-2017/validate";

    private readonly TestData _data = new(api);

    [Theory]
    [InlineData(2_001)]
    [InlineData(60_000)]
    public async Task Should_refuse_values_of_more_than_2000_entries_with_a_400_naming_values(int entries)
    {
        var district = await _data.DistrictAsync();
        var report = TestData.ReportFor().WithUnknownCodes(entries - SeedReport.Values.Count);
        Assert.Equal(entries, report.ToJson()["values"]!.AsObject().Count);

        var validated = await api.Admin().PostAsJsonAsync(Validate, new { values = report.ToJson()["values"] });
        var posted = await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, report);

        foreach (var response in new[] { validated, posted })
        {
            var body = await response.Content.ReadAsStringAsync();
            output.WriteLine($"{entries:N0} entries: {(int)response.StatusCode}, {body.Length:N0} characters");
            var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
            Assert.Contains("values", problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
            Assert.True(body.Length < 2_000, body);
        }
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_name_the_first_20_unknown_codes_and_count_the_rest()
    {
        var district = await _data.DistrictAsync();
        var report = TestData.ReportFor().WithUnknownCodes(1_500);
        Assert.True(report.ToJson()["values"]!.AsObject().Count <= 2_000);

        var validated = await api.Admin().PostAsJsonAsync(Validate, new { values = report.ToJson()["values"] });
        var posted = await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, report);

        var validateBody = await validated.Content.ReadAsStringAsync();
        var postBody = await posted.Content.ReadAsStringAsync();
        output.WriteLine($"validate: {validateBody.Length:N0} characters; versions: {postBody.Length:N0} characters");
        await validated.ShouldHaveStatus(HttpStatusCode.OK);
        var result = JsonDocument.Parse(validateBody).RootElement;
        Assert.False(result.GetProperty("valid").GetBoolean());
        var problem = await posted.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        foreach (var findings in new[] { result.GetProperty("errors"), problem.GetProperty("rules") })
        {
            var unknown = findings.EnumerateArray().Where(f => f.GetProperty("ruleId").GetString() == "unknown-code").ToList();
            Assert.Equal(21, unknown.Count);
            var rest = Assert.Single(unknown, f => f.GetProperty("indicators").GetArrayLength() == 0);
            Assert.Contains("另有 1480 个未知指标代码", rest.GetProperty("message").GetString());
        }
        Assert.True(validateBody.Length < 30_000, $"{validateBody.Length:N0} characters");
        Assert.True(postBody.Length < 30_000, $"{postBody.Length:N0} characters");
    }
}
