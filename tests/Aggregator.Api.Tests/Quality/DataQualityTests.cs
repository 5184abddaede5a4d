using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Quality;

[Collection(ApiCollection.Name)]
public sealed class DataQualityTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    private static string QualityPath(string tenant, string org, int year = SeedReport.Year) =>
        $"/api/v1/tenants/{tenant}/org-units/{org}/quality/{year}";

    private sealed record Flag(string OrgUnit, string Indicator, decimal? Value, string Kind, decimal? Previous, decimal? Median, string? RuleId);

    private static List<Flag> Flags(JsonElement body) => body.GetProperty("flags").EnumerateArray().Select(flag => new Flag(
        flag.GetProperty("orgUnit").GetString()!, flag.GetProperty("indicator").GetString()!, Number(flag, "value"),
        flag.GetProperty("kind").GetString()!, Number(flag, "previous"), Number(flag, "median"),
        flag.GetProperty("ruleId").ValueKind == JsonValueKind.Null ? null : flag.GetProperty("ruleId").GetString())).ToList();

    private static decimal? Number(JsonElement element, string name) =>
        element.GetProperty(name).ValueKind == JsonValueKind.Null ? null : element.GetProperty(name).GetDecimal();

    private static async Task PostAsync(HttpClient client, string tenant, string org, ReportBody report, int year = SeedReport.Year) =>
        await (await TestData.PostReportAsync(client, tenant, org, report, year)).ShouldHaveStatus(HttpStatusCode.Created);

    /// <summary>
    /// Eight sub-districts with the seed report and 2.2.3 (policy interpretations) between 280 and 320. Planted:
    /// one trains 510 people where the others train 51 (outlier); one had 30 interpretations in 2016 and 300 now
    /// (swing); one had 0 reading points in 2016 and 2 now (no flag: only 2 apart); one lists its items on fewer
    /// channels than it published (the warning rule gte:1.3).
    /// </summary>
    [Fact]
    public async Task Should_flag_exactly_the_planted_figures_of_a_district_and_nothing_more()
    {
        var tenant = await _data.TenantAsync();
        var units = new List<string>();
        for (var i = 0; i < 8; i++) units.Add(await _data.OrgUnitAsync(tenant, name: $"第{i + 1}街道"));
        var admin = api.Client((await _data.KeyAsync(tenant, tenant, "tenant-admin")).Key);
        var viewer = api.Client((await _data.KeyAsync(tenant, tenant, "viewer")).Key);
        decimal[] interpretations = [280, 290, 300, 310, 320, 295, 305, 300];
        var (trainsMany, swung, fromNothing, warned) = (units[1], units[2], units[3], units[4]);

        await PostAsync(admin, tenant, swung, TestData.ReportFor().With("2.2.3", 30), year: 2016);
        await PostAsync(admin, tenant, fromNothing, TestData.ReportFor().With("2.2.3", 310).With("8.2", 0), year: 2016);
        for (var i = 0; i < units.Count; i++)
        {
            var report = TestData.ReportFor().With("2.2.3", interpretations[i]);
            if (units[i] == trainsMany) report.With("9.3", 510);
            if (units[i] == warned) report.With("1.3.5", 200); // channels 904 < 975 items published
            await PostAsync(admin, tenant, units[i], report);
        }

        var body = await viewer.GetFromJsonAsync<JsonElement>(QualityPath(tenant, tenant));

        Assert.Equal(tenant, body.GetProperty("orgUnit").GetString());
        Assert.Equal(2017, body.GetProperty("year").GetInt32());
        Assert.Equal(8, body.GetProperty("units").GetInt32());
        Assert.Equal(new[]
            {
                new Flag(trainsMany, "9.3", 510, "outlier", null, 51, null),
                new Flag(swung, "2.2.3", 300, "swing", 30, null, null),
                new Flag(warned, "1.3", 904, "warning", null, null, "gte:1.3"),
            }.OrderBy(flag => flag.OrgUnit, StringComparer.Ordinal),
            Flags(body));
        var flags = body.GetProperty("flags").EnumerateArray().ToList();
        Assert.All(flags, flag => Assert.Equal("bj-gip-2017", flag.GetProperty("template").GetString()));
        var swing = flags.Single(flag => flag.GetProperty("kind").GetString() == "swing");
        Assert.Equal("第3街道", swing.GetProperty("name").GetString());
        Assert.Contains("300", swing.GetProperty("why").GetString());
        Assert.Contains("本年 300，上年 30，为上年的 10 倍", swing.GetProperty("why").GetString());
        var warning = flags.Single(flag => flag.GetProperty("kind").GetString() == "warning");
        Assert.Contains("904", warning.GetProperty("why").GetString());

        // Asked at the swung sub-district alone: its own report, no peers to be an outlier among.
        var own = await viewer.GetFromJsonAsync<JsonElement>(QualityPath(tenant, swung));
        Assert.Equal(1, own.GetProperty("units").GetInt32());
        Assert.Equal([new Flag(swung, "2.2.3", 300, "swing", 30, null, null)], Flags(own));
    }

    [Fact]
    public async Task Should_flag_a_leaf_units_own_warnings_for_a_viewer_of_that_unit()
    {
        var district = await _data.DistrictAsync();
        await PostAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA,
            TestData.ReportFor().With("1.3.5", 200));

        var body = await api.Client(district.Keys["viewer@a"]).GetFromJsonAsync<JsonElement>(QualityPath(district.Tenant, district.SubDistrictA));

        Assert.Equal([new Flag(district.SubDistrictA, "1.3", 904, "warning", null, null, "gte:1.3")], Flags(body));
    }

    [Fact]
    public async Task Should_flag_nothing_when_a_unit_reports_the_same_figures_as_last_year()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        await PostAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor(), year: 2016);
        await PostAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor());

        var body = await api.Client(district.Keys["reviewer@root"]).GetFromJsonAsync<JsonElement>(QualityPath(district.Tenant, district.Tenant));

        Assert.Equal(1, body.GetProperty("units").GetInt32());
        Assert.Empty(Flags(body));
    }

    [Fact]
    public async Task Should_check_the_version_that_counts_not_one_waiting_for_review()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        await PostAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor(), year: 2016);
        await PostAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor());
        await RequireReviewAsync(district);
        // Submitted, not accepted: 2.2.3 from 0 to 600 and a failing warning rule, neither of which counts yet.
        await PostAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("2.2.3", 600).With("1.3.5", 200));

        var body = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>(QualityPath(district.Tenant, district.Tenant));

        Assert.Empty(Flags(body));
    }

    private async Task RequireReviewAsync(District district)
    {
        var response = await api.Client(district.Keys["tenant-admin@root"])
            .PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review = "required" });
        await response.ShouldHaveStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_answer_a_reporter_403()
    {
        var district = await _data.DistrictAsync();
        await PostAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor());

        var response = await api.Client(district.Keys["reporter@a"]).GetAsync(QualityPath(district.Tenant, district.SubDistrictA));

        await response.ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Should_answer_404_outside_the_callers_unit_and_to_another_tenant()
    {
        var district = await _data.DistrictAsync();
        var other = await _data.DistrictAsync();
        await PostAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor());
        var viewerOfA = api.Client(district.Keys["viewer@a"]);

        await (await viewerOfA.GetAsync(QualityPath(district.Tenant, district.Tenant))).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await viewerOfA.GetAsync(QualityPath(district.Tenant, district.SubDistrictB))).ShouldBeProblem(HttpStatusCode.NotFound);
        var foreign = await api.Client(other.Keys["viewer@root"]).GetAsync(QualityPath(district.Tenant, district.Tenant));
        var problem = await foreign.ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.DoesNotContain("reason", problem.EnumerateObject().Select(member => member.Name));
    }

    [Fact]
    public async Task Should_say_there_is_nothing_to_check_in_a_year_nobody_reported()
    {
        var district = await _data.DistrictAsync();
        await PostAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor());
        var viewer = api.Client(district.Keys["viewer@root"]);

        var unreported = await (await viewer.GetAsync(QualityPath(district.Tenant, district.Tenant, 2015))).ShouldBeProblem(HttpStatusCode.NotFound);
        var notBelowB = await (await viewer.GetAsync(QualityPath(district.Tenant, district.SubDistrictB))).ShouldBeProblem(HttpStatusCode.NotFound);

        Assert.Equal("no-reports", unreported.GetProperty("reason").GetString());
        Assert.Equal("no-reports", notBelowB.GetProperty("reason").GetString());
    }
}
