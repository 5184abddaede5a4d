using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

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
}
