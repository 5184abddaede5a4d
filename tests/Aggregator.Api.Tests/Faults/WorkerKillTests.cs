using System.Diagnostics;
using System.Net;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;
using Xunit.Abstractions;

namespace Aggregator.Api.Tests.Faults;

/// <summary>The worker killed (SIGKILL) in the middle of a rollup: the figures stay whole, and converge once a worker runs again.</summary>
[Collection(SlowTests.Collection)]
public sealed class WorkerKillTests(ITestOutputHelper output)
{
    private const int Year = SeedReport.Year;
    /// <summary>Aggregator:Jobs:InvisibilityTimeout for the test (default 2 min): how soon a killed worker's job is taken again.</summary>
    private static readonly TimeSpan Invisibility = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task Should_converge_to_the_right_figures_when_the_worker_is_killed_during_a_rollup()
    {
        SlowTests.Require();
        var api = ApiFixture.With(new Dictionary<string, string?> { ["Aggregator:Jobs:RunServer"] = "false" });
        await api.InitializeAsync();
        try
        {
            await KillDuringRollupAsync(api);
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    private async Task KillDuringRollupAsync(ApiFixture api)
    {
        var data = new TestData(api);
        var rows = new ReportRows(api);
        var district = await data.DistrictAsync();
        var tenantId = await data.TenantIdAsync(district.Tenant);
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictA, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);
        await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictB, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);

        var first = await Processes.StartWorkerAsync(api, Invisibility);
        await rows.WaitForFiguresAsync(tenantId, Year, TimeSpan.FromMinutes(2));
        var before = await RollupSnapshot.RootFigureAsync(api, tenantId, district.Tenant, Year, "1.1");
        Assert.Equal(975 * 2, before.Stored);

        // A new version; its rollup is stopped inside its transaction, after clearing nothing yet, and the worker killed there.
        await using (var hold = await FaultyDatabase.HoldRollupFiguresAsync(api.Postgres))
        {
            await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 976)))
                .ShouldHaveStatus(HttpStatusCode.Created);
            await FaultyDatabase.WaitForAWriterOfAsync(api.Postgres, "rollup_values");
            await first.KillAsync();
        }
        var killedAt = Stopwatch.StartNew();

        // The killed run changed nothing: the figures are the previous ones, whole.
        Assert.Equal(before.Stored, (await RollupSnapshot.RootFigureAsync(api, tenantId, district.Tenant, Year, "1.1")).Stored);

        await using var second = await Processes.StartWorkerAsync(api, Invisibility);
        await rows.WaitForFiguresAsync(tenantId, Year, TimeSpan.FromMinutes(3));
        var converged = killedAt.Elapsed;

        var after = await RollupSnapshot.RootFigureAsync(api, tenantId, district.Tenant, Year, "1.1");
        Assert.Equal(975 + 976, after.Stored);
        Assert.Equal(after.Sum, after.Stored);
        await RollupSnapshot.ShouldEqualARecomputeAsync(api, tenantId, Year);
        output.WriteLine($"faults: 1 worker killed (SIGKILL) inside a rollup's transaction; figures converged {converged.TotalSeconds:F0} s later " +
                         $"(Aggregator:Jobs:InvisibilityTimeout {Invisibility.TotalSeconds} s), equal to a recompute from scratch");
        await first.DisposeAsync();
    }
}
