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
    public async Task Should_queue_one_rollup_per_reported_year_when_fifty_units_are_created_in_a_row()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        int[] years = [2015, 2016, 2017];
        foreach (var year in years) await _rows.StoreAsync(tenantId, a.Id, year, "bj-gip-2017", new Dictionary<string, decimal?> { ["3.1"] = 3 });
        foreach (var year in years) await _rows.WaitForFiguresAsync(tenantId, year);
        var before = await RollupJobsAsync(tenantId);

        var added = new List<string>();
        for (var i = 0; i < 50; i++) added.Add(await _data.OrgUnitAsync(district.Tenant, name: $"新社区{i}"));
        foreach (var year in years) await _rows.WaitForFiguresAsync(tenantId, year);
        var after = await RollupJobsAsync(tenantId);

        // One rollup per reported year for the 50 units; one per unit and year would be 150.
        foreach (var year in years) Assert.Equal(before.GetValueOrDefault(year) + 1, after.GetValueOrDefault(year));
        var rollup = await api.Client(district.Keys["viewer@root"])
            .GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/2015");
        var completeness = rollup.GetProperty("completeness");
        Assert.Equal(52, completeness.GetProperty("expected").GetInt32());
        Assert.Equal(1, completeness.GetProperty("reported").GetInt32());
        Assert.Subset(completeness.GetProperty("missing").EnumerateArray().Select(m => m.GetString()!).ToHashSet(), added.ToHashSet());
    }

    /// <summary>The rollup jobs queued for the tenant by year (whatever became of them), from Hangfire's own table.</summary>
    private async Task<Dictionary<int, long>> RollupJobsAsync(Guid tenantId)
    {
        await using var connection = await api.AppDataSource.OpenConnectionAsync();
        var rows = await Dapper.SqlMapper.QueryAsync<(int Year, long Jobs)>(connection, """
            SELECT (arguments::jsonb ->> 1)::int AS year, count(*) FROM hangfire.job
            WHERE invocationdata::text LIKE '%RollupJob%' AND strpos(arguments::text, @tenant) > 0
            GROUP BY 1
            """, new { tenant = tenantId.ToString() });
        return rows.ToDictionary(row => row.Year, row => row.Jobs);
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
