using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests.Rollups;

[Collection(ApiCollection.Name)]
public sealed class ComparisonTests(ApiFixture api)
{
    private readonly ReportRows _rows = new(api);
    private readonly Infrastructure.TestData _data = new(api);

    private static JsonElement Figure(JsonElement body, string key) => body.GetProperty("values").GetProperty(key);
    private static decimal? Dec(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetDecimal();

    [Fact]
    public async Task Should_compare_totals_and_like_for_like_within_one_template()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        var b = await _rows.UnitAsync(tenantId, district.SubDistrictB);
        // 2016: only A reports. 2017: A and B. 3.1 goes 5 → 4 for A; B adds 6 that has no base.
        await _rows.StoreAsync(tenantId, a.Id, 2016, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 5, ["4"] = 0, ["7"] = null });
        await _rows.StoreAsync(tenantId, a.Id, 2017, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 4, ["4"] = 2, ["7"] = 10 });
        await _rows.StoreAsync(tenantId, b.Id, 2017, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 6 });
        await _rows.WaitForFiguresAsync(tenantId, 2016);
        await _rows.WaitForFiguresAsync(tenantId, 2017);

        var body = await api.Client(district.Keys["viewer@root"])
            .GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/comparisons/2017");

        Assert.Equal(2016, body.GetProperty("baseYear").GetInt32());
        Assert.Empty(body.GetProperty("notComparable").EnumerateArray());
        var applications = Figure(body, "3.1");
        Assert.Equal(10m, Dec(applications, "value"));
        Assert.Equal(5m, Dec(applications, "baseValue"));
        Assert.Equal(5m, Dec(applications, "delta"));
        Assert.Equal(100.0m, Dec(applications, "pctChange"));
        var lfl = applications.GetProperty("likeForLike");
        Assert.Equal(4m, Dec(lfl, "value"));
        Assert.Equal(5m, Dec(lfl, "baseValue"));
        Assert.Equal(-1m, Dec(lfl, "delta"));
        Assert.Equal(-20.0m, Dec(lfl, "pctChange"));
        Assert.Equal(1, lfl.GetProperty("units").GetInt32());

        var reviews = Figure(body, "4"); // base 0: delta, no percent
        Assert.Equal(2m, Dec(reviews, "delta"));
        Assert.Null(Dec(reviews, "pctChange"));
        var fees = Figure(body, "7"); // base missing: no delta, no percent
        Assert.Equal(10m, Dec(fees, "value"));
        Assert.Null(Dec(fees, "baseValue"));
        Assert.Null(Dec(fees, "delta"));
        Assert.Null(Dec(fees, "pctChange"));
    }

    [Fact]
    public async Task Should_say_there_is_nothing_to_compare_when_the_base_year_has_no_reports()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        await _rows.StoreAsync(tenantId, a.Id, 2017, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 4 });
        await _rows.WaitForFiguresAsync(tenantId, 2017);

        var response = await api.Client(district.Keys["viewer@root"])
            .GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/comparisons/2017?base=2012");

        var problem = await response.ShouldBeProblem(System.Net.HttpStatusCode.NotFound);
        Assert.Equal("no-reports", problem.GetProperty("reason").GetString());
        Assert.Contains("2012", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Should_compare_only_mapped_indicators_across_the_2017_to_2019_template_change()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        await _rows.StoreAsync(tenantId, a.Id, 2018, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 3, ["5"] = 4, ["1.1"] = 975 });
        await _rows.StoreAsync(tenantId, a.Id, 2019, "cn-gip-2019", new Dictionary<string, decimal?>
        {
            ["3.1:total"] = 6, ["4.2:total"] = 1, ["4.3:total"] = 2, ["3.1:np"] = 6,
        });
        await _rows.WaitForFiguresAsync(tenantId, 2018);
        await _rows.WaitForFiguresAsync(tenantId, 2019);

        var body = await api.Client(district.Keys["viewer@root"])
            .GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/comparisons/2019?base=2018");

        Assert.Equal("cn-gip-2019", body.GetProperty("template").GetString());
        Assert.Equal("bj-gip-2017", body.GetProperty("baseTemplate").GetString());
        var applications = Figure(body, "3.1:total");
        Assert.Equal(6m, Dec(applications, "value"));
        Assert.Equal(3m, Dec(applications, "baseValue"));
        Assert.Equal(100.0m, Dec(applications, "pctChange"));
        var lawsuits = Figure(body, "4.2:total+4.3:total");
        Assert.Equal(3m, Dec(lawsuits, "value"));
        Assert.Equal(4m, Dec(lawsuits, "baseValue"));
        Assert.Equal(-25.0m, Dec(lawsuits, "pctChange"));
        var notComparable = body.GetProperty("notComparable").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("3.1:np", notComparable);
        Assert.DoesNotContain("3.1:total", notComparable);
        Assert.False(body.GetProperty("values").TryGetProperty("3.1:np", out _));
        Assert.False(body.GetProperty("values").TryGetProperty("1.1", out _));
    }

    [Fact]
    public async Task Should_compare_with_a_base_that_is_not_the_year_before_when_asked_and_follow_a_new_version_of_it()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        var b = await _rows.UnitAsync(tenantId, district.SubDistrictB);
        // 2014: only A (3.1 = 2, 4 = 0). 2015 is between. 2017: A 4 and B 6.
        await _rows.StoreAsync(tenantId, a.Id, 2014, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 2, ["4"] = 0 });
        await _rows.StoreAsync(tenantId, a.Id, 2015, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 50 });
        await _rows.StoreAsync(tenantId, a.Id, 2017, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 4, ["4"] = 3 });
        await _rows.StoreAsync(tenantId, b.Id, 2017, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 6 });
        foreach (var year in new[] { 2014, 2015, 2017 }) await _rows.WaitForFiguresAsync(tenantId, year);
        var viewer = api.Client(district.Keys["viewer@root"]);
        var route = $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/comparisons/2017?base=2014";

        var response = await viewer.GetAsync(route);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2014, body.GetProperty("baseYear").GetInt32());
        Assert.Equal("bj-gip-2017", body.GetProperty("baseTemplate").GetString());
        Assert.False(body.GetProperty("stale").GetBoolean());
        Assert.Empty(body.GetProperty("notComparable").EnumerateArray());
        var applications = Figure(body, "3.1");
        Assert.Equal(10m, Dec(applications, "value"));
        Assert.Equal(2m, Dec(applications, "baseValue"));
        Assert.Equal(8m, Dec(applications, "delta"));
        Assert.Equal(400.0m, Dec(applications, "pctChange"));
        var lfl = applications.GetProperty("likeForLike");
        Assert.Equal(4m, Dec(lfl, "value"));
        Assert.Equal(2m, Dec(lfl, "baseValue"));
        Assert.Equal(2m, Dec(lfl, "delta"));
        Assert.Equal(100.0m, Dec(lfl, "pctChange"));
        Assert.Equal(1, lfl.GetProperty("units").GetInt32());
        var reviews = Figure(body, "4"); // base 0: delta, no percent
        Assert.Equal(3m, Dec(reviews, "delta"));
        Assert.Null(Dec(reviews, "pctChange"));
        // Computed for the request, not stored: the job stores each year against the year before only.
        var storedBases = await _rows.QueryAsync(tenantId, async db => (await db.QueryAsync<(int, int)>(
            "SELECT year, base_year FROM comparison_state ORDER BY 1")).ToList());
        Assert.Equal([(2015, 2014)], storedBases);

        // A new version of the base year is a new generation: the next answer has it.
        await _rows.StoreAsync(tenantId, a.Id, 2014, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 1, ["4"] = 0 });
        await _rows.WaitForFiguresAsync(tenantId, 2014);
        var again = await viewer.GetFromJsonAsync<JsonElement>(route);
        Assert.Equal(1m, Dec(Figure(again, "3.1"), "baseValue"));
        Assert.Equal(900.0m, Dec(Figure(again, "3.1"), "pctChange"));
    }

    [Fact]
    public async Task Should_compute_on_request_exactly_what_the_job_stores_for_the_year_before()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        var b = await _rows.UnitAsync(tenantId, district.SubDistrictB);
        await _rows.StoreAsync(tenantId, a.Id, 2016, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 7, ["4"] = 0, ["7"] = null, ["9.3"] = 3 });
        await _rows.StoreAsync(tenantId, b.Id, 2016, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 1, ["8.4"] = 2.5m });
        await _rows.StoreAsync(tenantId, a.Id, 2017, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 4, ["4"] = 2, ["7"] = 10, ["9.3"] = 0 });
        await _rows.StoreAsync(tenantId, b.Id, 2017, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 6, ["8.4"] = 1 });
        await _rows.WaitForFiguresAsync(tenantId, 2016);
        await _rows.WaitForFiguresAsync(tenantId, 2017);
        var catalog = api.Factory.Services.GetRequiredService<Aggregator.Domain.Templates.TemplateCatalog>();
        var template = catalog.Find("bj-gip-2017")!;
        var root = await _rows.UnitAsync(tenantId, district.Tenant);

        var (stored, computed) = await _rows.QueryAsync(tenantId, async db =>
        {
            var stored = (await db.QueryAsync<Aggregator.Jobs.Rollups.ComparisonRow>("""
                SELECT indicator AS Indicator, value AS Value, base_value AS BaseValue, delta AS Delta, pct_change AS PctChange,
                       lfl_value AS LflValue, lfl_base_value AS LflBaseValue, lfl_delta AS LflDelta, lfl_pct_change AS LflPctChange, lfl_units AS LflUnits
                FROM comparison_values WHERE year = 2017 AND base_year = 2016 AND org_unit_id = @root ORDER BY indicator
                """, new { root = root.Id })).ToList();
            var plan = Aggregator.Jobs.Rollups.ComparisonPlanner.Plan(catalog, tenantId, 2017, template, 2016, template);
            var computed = (await Aggregator.Jobs.Rollups.ComparisonFigures.ForUnitAsync(db, plan, root.Id))
                .OrderBy(row => row.Indicator, StringComparer.Ordinal).ToList();
            return (stored, computed);
        });

        Assert.Equal(5, stored.Count); // 3.1, 4, 7, 8.4, 9.3
        Assert.Equal(stored.Select(row => row.Indicator).Order(StringComparer.Ordinal), computed.Select(row => row.Indicator));
        Assert.Equal(stored.OrderBy(row => row.Indicator, StringComparer.Ordinal), computed);
    }
}
