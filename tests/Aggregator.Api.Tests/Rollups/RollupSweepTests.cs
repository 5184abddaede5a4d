using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Jobs.Rollups;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>The recurring sweep is the safety net for a version whose rollup was never queued.</summary>
[Collection(ApiCollection.Name)]
public sealed class RollupSweepTests(ApiFixture api)
{
    private const int Year = 2017;
    private const string Template = "bj-gip-2017";
    private readonly TestData _data = new(api);
    private readonly ReportRows _rows = new(api);

    [Fact]
    public async Task Should_compute_figures_for_a_version_the_trigger_never_heard_of()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        var b = await _rows.UnitAsync(tenantId, district.SubDistrictB);
        await _rows.StoreAsync(tenantId, a.Id, Year, Template, new Dictionary<string, decimal?> { ["3.1"] = 3 });
        await _rows.WaitForFiguresAsync(tenantId, Year);

        // A version written behind the trigger's back (say, the process died before it could queue a job).
        await _rows.StoreAsync(tenantId, b.Id, Year, Template, new Dictionary<string, decimal?> { ["3.1"] = 4 }, notify: false);
        await api.Factory.Services.GetRequiredService<RollupSweep>().ExecuteAsync(CancellationToken.None);
        await _rows.WaitForFiguresAsync(tenantId, Year);

        var root = await _rows.UnitAsync(tenantId, district.Tenant);
        var total = await _rows.QueryAsync(tenantId, db => db.QuerySingleAsync<decimal>(
            "SELECT value FROM rollup_values WHERE year = @Year AND org_unit_id = @root AND indicator = '3.1'", new { Year, root = root.Id }));
        Assert.Equal(7, total);
    }
}
