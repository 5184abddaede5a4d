using System.Net;
using Aggregator.Api.Tests.Infrastructure;
using Dapper;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>The door users use: 300 report versions POSTed over HTTP at once cost a handful of rollup runs.</summary>
[Collection(ApiCollection.Name)]
public sealed class RollupBurstTests(ApiFixture api, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Year = 2017;
    private const int Units = 150;
    private readonly TestData _data = new(api);
    private readonly ReportRows _rows = new(api);

    [Fact]
    public async Task Should_fold_a_burst_of_300_posts_into_a_handful_of_rollup_runs_with_the_right_figures()
    {
        var tenant = await _data.TenantAsync();
        var tenantId = await _rows.TenantIdAsync(tenant);
        var root = await _rows.UnitAsync(tenantId, tenant);
        var streets = new List<ReportRows.Unit>();
        for (var i = 0; i < 10; i++) streets.Add(await _rows.AddUnitAsync(tenantId, root));
        var units = new List<ReportRows.Unit>();
        for (var i = 0; i < Units; i++) units.Add(await _rows.AddUnitAsync(tenantId, streets[i % streets.Count]));
        var client = api.Client((await _data.KeyAsync(tenant, tenant, "tenant-admin")).Key);

        // Two versions per unit, 16 units at a time: the second (9.3 = the unit's index) is the one that counts.
        using var gate = new SemaphoreSlim(16);
        var statuses = (await Task.WhenAll(units.Select(async (unit, i) =>
        {
            await gate.WaitAsync();
            try
            {
                var first = await TestData.PostReportAsync(client, tenant, unit.Code, TestData.ReportFor().With("9.3", 1000 + i));
                var second = await TestData.PostReportAsync(client, tenant, unit.Code, TestData.ReportFor().With("9.3", i));
                return new[] { first.StatusCode, second.StatusCode };
            }
            finally { gate.Release(); }
        }))).SelectMany(s => s).ToList();
        await _rows.WaitForFiguresAsync(tenantId, Year, TimeSpan.FromSeconds(60));

        Assert.Equal(2 * Units, statuses.Count);
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Created, status));
        var (runs, trained, applications, reporters) = await _rows.QueryAsync(tenantId, async db =>
        {
            var state = await db.QuerySingleAsync<long>("SELECT runs FROM rollup_state WHERE year = @Year", new { Year });
            var figures = (await db.QueryAsync<(string Indicator, decimal Value, int Reporters)>(
                "SELECT indicator, value, reporters FROM rollup_values WHERE year = @Year AND org_unit_id = @root AND indicator IN ('9.3', '3.1')",
                new { Year, root = root.Id })).ToDictionary(f => f.Indicator);
            return (state, figures["9.3"].Value, figures["3.1"].Value, figures["3.1"].Reporters);
        });
        output.WriteLine($"{statuses.Count} posts cost {runs} rollup runs");
        // At most one job is queued at a time, so runs follow the burst's length over one run's: a handful
        // here, more on a slower machine, never one per post.
        Assert.InRange(runs, 1, 60);
        Assert.Equal(Enumerable.Range(0, Units).Sum(), trained);
        Assert.Equal(3 * Units, applications);
        Assert.Equal(Units, reporters);
    }
}
