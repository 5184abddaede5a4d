using System.Net;
using Aggregator.Api.Tests.Infrastructure;
using Dapper;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>
/// The door users use: 300 report versions POSTed over HTTP at once cost a handful of rollup runs. A version queues a
/// rollup job only when none is queued for its (tenant, year), so the jobs queued are the runs and at most a few that
/// found the figures current: were it one job per version, the jobs would number the versions.
/// </summary>
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
        var burst = System.Diagnostics.Stopwatch.StartNew();
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
        burst.Stop();
        await _rows.WaitForFiguresAsync(tenantId, Year, TimeSpan.FromSeconds(60));
        var jobs = await RollupJobsQueuedAsync(tenantId);

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
        output.WriteLine($"{statuses.Count} posts in {burst.Elapsed.TotalSeconds:0.0} s cost {runs} rollup runs of {jobs} jobs queued");
        // At most one job is queued at a time: every job but the last one or two of the burst finds new versions
        // to roll up, whatever the machine's speed. One job per version would queue 300.
        Assert.InRange(jobs, runs, runs + 3);
        // Runs follow the burst's length over one run's: 12 runs of a 15 s burst measured on 2 cores shared by 8
        // test runs (load 30). The bound leaves twice that for a slower machine and still fails long before one run
        // per version (300) or per unit (150).
        Assert.InRange(runs, 1, 25);
        Assert.Equal(Enumerable.Range(0, Units).Sum(), trained);
        Assert.Equal(3 * Units, applications);
        Assert.Equal(Units, reporters);
    }

    /// <summary>The rollup jobs queued for the tenant (whatever became of them), from Hangfire's own table.</summary>
    private async Task<long> RollupJobsQueuedAsync(Guid tenantId)
    {
        await using var connection = await api.AppDataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM hangfire.job
            WHERE invocationdata::text LIKE '%RollupJob%' AND invocationdata::text NOT LIKE '%RecomputeAsync%'
              AND strpos(arguments::text, @tenant) > 0
            """, new { tenant = tenantId.ToString() });
    }
}
