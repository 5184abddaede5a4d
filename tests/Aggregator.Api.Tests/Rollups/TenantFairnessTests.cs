using System.Diagnostics;
using System.Net;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Jobs.Rollups;
using Dapper;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>One tenant's queued rollups do not delay another tenant's post→rollup.</summary>
[Collection(ApiCollection.Name)]
public sealed class TenantFairnessTests(ApiFixture api, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Year = 2017;
    private const string Template = "bj-gip-2017";
    private static readonly int[] BusyYears = [2010, 2011, 2012, 2013, 2014, 2015];
    private readonly TestData _data = new(api);
    private readonly ReportRows _rows = new(api);

    [Fact]
    public async Task Should_roll_up_another_tenants_post_within_3_seconds_while_a_tenant_has_six_years_of_rollups_stuck()
    {
        var busy = await _data.DistrictAsync();
        var other = await _data.DistrictAsync();
        var busyId = await _rows.TenantIdAsync(busy.Tenant);
        var otherId = await _rows.TenantIdAsync(other.Tenant);
        var unit = await _rows.UnitAsync(busyId, busy.SubDistrictA);

        // While the test holds their locks, the busy tenant's rollups cannot finish: each one that starts holds
        // its worker, as a tenant with thousands of units posting many years at once would.
        await using (var hold = await api.TenantDb.BeginAsync(busyId, CancellationToken.None))
        {
            foreach (var year in BusyYears)
            {
                await Aggregator.Jobs.Rollups.Data.LockAsync(hold, busyId, year);
            }
            foreach (var year in BusyYears)
            {
                await _rows.StoreAsync(busyId, unit.Id, year, Template, new Dictionary<string, decimal?> { ["3.1"] = year - 2000 });
            }
            await WaitForStartedAsync(busyId, atLeast: 1);

            var clock = Stopwatch.StartNew();
            await (await TestData.PostReportAsync(api.Client(other.Keys["reporter@a"]), other.Tenant, other.SubDistrictA, TestData.ReportFor()))
                .ShouldHaveStatus(HttpStatusCode.Created);
            await _rows.WaitForFiguresAsync(otherId, Year, TimeSpan.FromSeconds(3));
            output.WriteLine($"the other tenant's post→rollup took {clock.Elapsed.TotalSeconds:F2} s behind {BusyYears.Length} stuck years");
        }

        var released = Stopwatch.StartNew();
        foreach (var year in BusyYears) await _rows.WaitForFiguresAsync(busyId, year, TimeSpan.FromSeconds(30));
        output.WriteLine($"the busy tenant's {BusyYears.Length} years converged {released.Elapsed.TotalSeconds:F2} s after release");
        var figures = await _rows.QueryAsync(busyId, db => db.QueryAsync<(int Year, decimal Value)>(
            "SELECT year, value FROM rollup_values WHERE org_unit_id = @root AND indicator = '3.1' ORDER BY year",
            new { root = unit.ParentId }));
        Assert.Equal(BusyYears.Select(year => (year, (decimal)(year - 2000))), figures);
    }

    [Fact]
    public async Task Should_queue_a_busy_tenants_rollups_on_the_overflow_queue_and_an_idle_tenants_on_the_main_one()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var unit = await _rows.UnitAsync(tenantId, district.SubDistrictA);

        // Idle: nothing else of the tenant dirty, queued or running.
        await DirtyAsync(tenantId, unit, 2010);
        Assert.Equal(nameof(RollupJob.ExecuteAsync), await QueueAsync(tenantId, 2010));
        await _rows.WaitForFiguresAsync(tenantId, 2010);

        // Another year dirty: the tenant is working through several years.
        await DirtyAsync(tenantId, unit, 2011);
        await DirtyAsync(tenantId, unit, 2012);
        Assert.Equal(nameof(RollupJob.ExecuteBulkAsync), await QueueAsync(tenantId, 2012));
        await QueueAsync(tenantId, 2011);
        await _rows.WaitForFiguresAsync(tenantId, 2011);
        await _rows.WaitForFiguresAsync(tenantId, 2012);

        // A job of the same year running (here: its lock held): the follow-up would only wait for it.
        await using (var hold = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None))
        {
            await Aggregator.Jobs.Rollups.Data.LockAsync(hold, tenantId, 2010);
            await DirtyAsync(tenantId, unit, 2010);
            Assert.Equal(nameof(RollupJob.ExecuteBulkAsync), await QueueAsync(tenantId, 2010));
        }
        await _rows.WaitForFiguresAsync(tenantId, 2010);
    }

    /// <summary>A new version of the unit's report, marked dirty the way the POST does, without queuing a job.</summary>
    private async Task DirtyAsync(Guid tenantId, ReportRows.Unit unit, int year)
    {
        await _rows.StoreAsync(tenantId, unit.Id, year, Template, new Dictionary<string, decimal?> { ["3.1"] = year - 2000 }, notify: false);
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        await Trigger.OnFiguresChangingAsync(db, tenantId, year, CancellationToken.None);
        await db.CommitAsync();
    }

    /// <summary>Queues the year's rollup; the job method it was queued as, which names its queue.</summary>
    private async Task<string> QueueAsync(Guid tenantId, int year)
    {
        var jobId = await Trigger.EnsureQueuedAsync(tenantId, year, CancellationToken.None);
        Assert.NotNull(jobId);
        using var connection = api.Factory.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetJobData(jobId).Job.Method.Name;
    }

    private RollupTrigger Trigger => api.Factory.Services.GetRequiredService<RollupTrigger>();

    /// <summary>Waits until that many of the tenant's rollups have started (cleared their claim) and hang on their locks.</summary>
    private async Task WaitForStartedAsync(Guid tenantId, int atLeast)
    {
        const string sql = """
            SELECT count(*) FROM rollup_state
            WHERE tenant_id = @tenantId AND queued_job_id IS NULL
              AND EXISTS (SELECT 1 FROM figure_changes f WHERE f.tenant_id = rollup_state.tenant_id AND f.year = rollup_state.year)
            """;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await _rows.QueryAsync(tenantId, db => db.QuerySingleAsync<long>(sql, new { tenantId })) < atLeast)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"fewer than {atLeast} rollups of {tenantId} started");
            await Task.Delay(25);
        }
    }
}
