using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>A unit added to the tree changes the figures of every year already reported.</summary>
[Collection(ApiCollection.Name)]
public sealed class RollupTreeChangeTests(ApiFixture api)
{
    private const int Year = 2017;
    private readonly TestData _data = new(api);
    private readonly ReportRows _rows = new(api);

    [Fact]
    public async Task Should_count_a_new_unit_as_missing_without_waiting_for_the_sweep()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        await _rows.StoreAsync(tenantId, a.Id, Year, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 3 });
        await _rows.WaitForFiguresAsync(tenantId, Year);

        var added = await _data.OrgUnitAsync(district.Tenant, name: "新街道");
        await _rows.WaitForFiguresAsync(tenantId, Year);

        var rollup = await api.Client(district.Keys["viewer@root"])
            .GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}");
        var completeness = rollup.GetProperty("completeness");
        Assert.Equal(3, completeness.GetProperty("expected").GetInt32());
        Assert.Equal(1, completeness.GetProperty("reported").GetInt32());
        Assert.Contains(added, completeness.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.False(rollup.GetProperty("stale").GetBoolean());
    }

    [Fact]
    public async Task Should_keep_counting_a_unit_that_reported_before_units_were_added_below_it()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        await _rows.StoreAsync(tenantId, a.Id, Year, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 3 });
        await _rows.WaitForFiguresAsync(tenantId, Year);

        var below = await _data.OrgUnitAsync(district.Tenant, parent: district.SubDistrictA, name: "社区");
        await _rows.WaitForFiguresAsync(tenantId, Year);

        var rollup = await api.Client(district.Keys["viewer@root"])
            .GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}");
        // A's figures are in the sums, so A is among those who reported; the unit below it is missing.
        Assert.Equal(1, rollup.GetProperty("values").GetProperty("3.1").GetProperty("reporters").GetInt32());
        var completeness = rollup.GetProperty("completeness");
        Assert.Equal(1, completeness.GetProperty("reported").GetInt32());
        Assert.Equal(new[] { below, district.SubDistrictB }.Order(StringComparer.Ordinal), completeness.GetProperty("missing").EnumerateArray().Select(m => m.GetString()!).Order(StringComparer.Ordinal));
    }
}
