using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;
using Aggregator.Client;

namespace Aggregator.Api.Tests.Client;

/// <summary>
/// A sub-district system and a dashboard as .NET programs: everything goes through the client that NSwag
/// generates from openapi/aggregator.v1.json at build time, against the running API. That the calls
/// compile and answer is the proof that the committed document is usable by a generator.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GeneratedClientTests(ApiFixture api)
{
    private readonly TestData _data = new(api);
    private readonly ReportRows _rows = new(api);

    [Fact]
    public async Task Should_submit_the_Taoranting_report_once_however_often_it_is_retried_and_read_the_district_total_back()
    {
        var district = await _data.DistrictAsync();
        var reports = new ReportsClient(Http(district.Keys["reporter@a"]));
        var idempotencyKey = Guid.NewGuid().ToString();

        var first = await reports.SubmitAsync(district.Tenant, district.SubDistrictA, SeedReport.Year, Taoranting(), idempotency_Key: idempotencyKey);
        var retry = await reports.SubmitAsync(district.Tenant, district.SubDistrictA, SeedReport.Year, Taoranting(), idempotency_Key: idempotencyKey);

        Assert.Equal(1, first.Version);
        Assert.False(first.Unchanged);
        Assert.Equal(first.Version, retry.Version);
        Assert.Equal(first.Etag, retry.Etag);
        var history = await reports.HistoryAsync(district.Tenant, district.SubDistrictA, SeedReport.Year);
        Assert.Single(history.Items);

        // The other sub-district reports the same figures, so the district's total is twice the seed's.
        await new ReportsClient(Http(district.Keys["tenant-admin@root"]))
            .SubmitAsync(district.Tenant, district.SubDistrictB, SeedReport.Year, Taoranting(), idempotency_Key: Guid.NewGuid().ToString());
        await _rows.WaitForFiguresAsync(await _data.TenantIdAsync(district.Tenant), SeedReport.Year);

        var rollup = await new RollupsClient(Http(district.Keys["viewer@root"])).GetAsync(district.Tenant, district.Tenant, SeedReport.Year);

        Assert.Equal(200, rollup.StatusCode);
        Assert.Equal(RollupsGetResponseTemplate.BjGip2017, rollup.Result.Template);
        Assert.False(rollup.Result.Stale);
        foreach (var (code, value) in SeedReport.Values.Where(pair => pair.Value is not null))
        {
            Assert.Equal(2 * value!.Value, rollup.Result.Values[code].Value);
            Assert.Equal(2, rollup.Result.Values[code].Reporters);
        }
        Assert.Null(rollup.Result.Values["7"].Value); // fees: left blank by both, so blank in the total
        Assert.Equal(2, rollup.Result.Completeness.Reported);

        // The same figures as a dashboard's one-call table: a row per sub-district and the district's total.
        var table = await new TablesClient(Http(district.Keys["viewer@root"]))
            .GetAsync(district.Tenant, district.Tenant, SeedReport.Year, indicators: "1.1,3.1", level: "children");
        var seed = SeedReport.Values.ToDictionary(pair => pair.Key, pair => (decimal?)pair.Value);
        Assert.Equal(["1.1", "3.1"], table.Result.Columns);
        Assert.Equal([district.SubDistrictA, district.SubDistrictB], table.Result.Rows.Select(row => row.OrgUnit).Order());
        Assert.All(table.Result.Rows, row => Assert.Equal([seed["1.1"], seed["3.1"]], row.Values));
        Assert.Equal([2 * seed["1.1"], 2 * seed["3.1"]], table.Result.Total);
    }

    [Fact]
    public async Task Should_answer_not_modified_to_a_dashboard_that_holds_the_current_ETag()
    {
        var district = await _data.DistrictAsync();
        await new ReportsClient(Http(district.Keys["reporter@a"]))
            .SubmitAsync(district.Tenant, district.SubDistrictA, SeedReport.Year, Taoranting());
        await _rows.WaitForFiguresAsync(await _data.TenantIdAsync(district.Tenant), SeedReport.Year);
        var rollups = new RollupsClient(Http(district.Keys["viewer@root"]));

        var first = await rollups.GetAsync(district.Tenant, district.Tenant, SeedReport.Year);
        var etag = Assert.Single(first.Headers["ETag"]);
        var again = await Assert.ThrowsAsync<AggregatorApiException>(() =>
            rollups.GetAsync(district.Tenant, district.Tenant, SeedReport.Year, if_None_Match: etag));

        Assert.Equal(304, again.StatusCode);
        Assert.Null(again.Problem);
    }

    [Fact]
    public async Task Should_surface_a_malformed_request_as_a_typed_problem_naming_the_field()
    {
        var district = await _data.DistrictAsync();
        var reports = new ReportsClient(Http(district.Keys["reporter@a"]));

        var refused = await Assert.ThrowsAsync<AggregatorApiException<ValidationProblem>>(() =>
            reports.SubmitAsync(district.Tenant, district.SubDistrictA, 2007, Taoranting()));

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal(400, refused.Result.Status);
        Assert.False(string.IsNullOrWhiteSpace(refused.Result.Detail));
        Assert.Contains(refused.Result.Errors, error => error.Name == "year");
        // The same through the members every problem shares, for a caller that catches one exception type.
        Assert.Equal(refused.Result.Type, refused.Problem!.Type);
        Assert.Contains(refused.Errors, error => error.Name == "year");
    }

    [Fact]
    public async Task Should_surface_figures_that_break_the_rules_as_a_typed_problem_naming_the_rule_and_the_indicators()
    {
        var district = await _data.DistrictAsync();
        var reports = new ReportsClient(Http(district.Keys["reporter@a"]));
        var report = Taoranting();
        report.Values!["3.1"] = report.Values["3.1"]!.Value + 1; // applications no longer the sum of their kinds

        var refused = await Assert.ThrowsAsync<AggregatorApiException<RuleProblem>>(() =>
            reports.SubmitAsync(district.Tenant, district.SubDistrictA, SeedReport.Year, report));

        Assert.Equal(422, refused.Result.Status);
        Assert.Contains(refused.Result.Rules!, rule => rule.RuleId == "sum:3.1" && rule.Indicators.Contains("3.1"));
        // What the README's example prints for a 422, from the exception as caught without its type.
        var finding = Assert.Single(((AggregatorApiException)refused).Rules, rule => rule.RuleId == "sum:3.1");
        Assert.Contains("3.1.1", finding.Indicators);
        Assert.False(string.IsNullOrWhiteSpace(finding.Message));
        Assert.Empty(refused.Errors);
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_surface_an_unknown_key_as_a_problem_with_the_APIs_message()
    {
        var district = await _data.DistrictAsync();
        var rollups = new RollupsClient(Http("agg_not-a-key-of-anyone"));

        var refused = await Assert.ThrowsAsync<AggregatorApiException<Problem>>(() =>
            rollups.GetAsync(district.Tenant, district.Tenant, SeedReport.Year));

        Assert.Equal(401, refused.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(refused.Result.Detail));
        Assert.Equal(refused.Result.Detail, refused.Problem!.Detail);
    }

    /// <summary>A client of the client library's own making (it takes gzip), pointed at the test host as a program outside would.</summary>
    private HttpClient Http(string apiKey)
    {
        using var host = api.Factory.CreateClient();
        return AggregatorHttp.Create(host.BaseAddress!, apiKey);
    }

    /// <summary>The Taoranting sub-district's 2017 figures (the seed report) as the generated request type.</summary>
    private static ReportsSubmitRequest Taoranting() => new()
    {
        Template = ReportsSubmitRequestTemplate.BjGip2017,
        Values = SeedReport.Values.ToDictionary(pair => pair.Key, pair => (decimal?)pair.Value),
        Note = "陶然亭街道 2017 年度报告",
    };
}
