using System.Diagnostics;
using System.Net;
using Aggregator.Api.Auth;
using Aggregator.Api.Generations;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;
using Aggregator.Data.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Aggregator.Api.Tests.Faults;

/// <summary>
/// pg_auto_failover (a monitor, a primary, a synchronous secondary) under 16 clients posting reports: the primary's
/// machine "dies" (its keeper and its PostgreSQL SIGKILLed), the secondary is promoted, and the API, connected with
/// <c>Host=…,…;Target Session Attributes=primary</c>, carries on.
/// </summary>
[Collection(SlowTests.Collection)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Clients = 16;
    private const int Units = 100;
    private const int VersionsPerUnit = 10;
    private const int Year = SeedReport.Year;
    private const int KillAfterAcknowledged = 400;
    private static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Should_lose_no_acknowledged_report_and_answer_only_503_while_the_primary_is_killed_and_fails_over()
    {
        SlowTests.Require();
        await using var cluster = await AutoFailoverCluster.StartAsync();
        var api = ApiFixture.With(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = cluster.AppConnectionString,
            ["ConnectionStrings:AggregatorOwner"] = cluster.OwnerConnectionString,
            ["Aggregator:Database:RetryAfter"] = "00:00:01",
        });
        try
        {
            await api.InitializeAsync();
            await FailOverUnderLoadAsync(cluster, api);
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    private async Task FailOverUnderLoadAsync(AutoFailoverCluster cluster, ApiFixture api)
    {
        var (first, second) = (cluster.Nodes[0], cluster.Nodes[1]);
        // A 201 is on two nodes: the primary commits once its synchronous standby has the WAL.
        var replication = await cluster.ReplicationAsync(first);
        Assert.StartsWith("ANY 1 (", replication.StandbyNames);
        Assert.Equal(new[] { "quorum" }, replication.SyncStates);

        var (tenant, tenantId, units, key) = await ReportLoad.TenantAsync(api, Units);
        var plans = Enumerable.Range(0, Clients).Select(client => (IReadOnlyList<PlannedReport>)units
            .Where((_, index) => index % Clients == client)
            .SelectMany(org => Enumerable.Range(1, VersionsPerUnit).Select(v => new PlannedReport(org, 1000 + v, $"{org}-v{v}")))
            .ToList()).ToList();
        var clients = Enumerable.Range(0, Clients).Select(_ => api.Client(key)).ToList();

        // A dashboard reads all along: a unit's report and the district's rollup.
        var viewer = api.Client((await new TestData(api).KeyAsync(tenant, tenant, "viewer")).Key);
        using var loadDone = new CancellationTokenSource();
        var reads = new System.Collections.Concurrent.ConcurrentBag<string>();
        var reading = Task.Run(async () =>
        {
            string[] paths = [TestData.ReportPath(tenant, units[0]), $"/api/v1/tenants/{tenant}/org-units/{tenant}/rollups/{Year}"];
            while (!loadDone.IsCancellationRequested)
            {
                foreach (var path in paths)
                {
                    using var answer = await viewer.GetAsync(path);
                    reads.Add(answer.StatusCode == HttpStatusCode.ServiceUnavailable
                        ? $"503 {answer.Content.Headers.ContentType?.MediaType} Retry-After={answer.Headers.RetryAfter?.Delta?.TotalSeconds}"
                        : ((int)answer.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                await Task.Delay(100);
            }
        });

        var acknowledged = 0;
        long killedAt = 0;
        var killing = Task.Run(async () =>
        {
            while (Volatile.Read(ref acknowledged) < KillAfterAcknowledged) await Task.Delay(20);
            await cluster.KillAsync(first);
            Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
        });
        var outcomes = await ReportLoad.RunAsync(tenant, Year, clients, plans, () => Interlocked.Increment(ref acknowledged));
        await killing;
        await loadDone.CancelAsync();
        await reading;

        // The gap: from the last write acknowledged before the kill to the first acknowledged of those sent after it.
        var acknowledgedOutcomes = outcomes.Where(o => o.Acknowledged).ToList();
        var lastBefore = acknowledgedOutcomes.Where(o => o.Answered < killedAt).Max(o => o.Answered);
        var firstAfter = acknowledgedOutcomes.Where(o => o.Sent > killedAt).Min(o => o.Answered);
        var gap = Stopwatch.GetElapsedTime(lastBefore, firstAfter);
        var states = await cluster.StatesAsync();
        output.WriteLine($"failover: primary {first.Name} killed (SIGKILL: keeper and PostgreSQL) after {KillAfterAcknowledged} acknowledged reports; " +
                         $"writes resumed on {second.Name} {gap.TotalSeconds:F1} s after the last one acknowledged before the kill; " +
                         $"monitor: {string.Join(", ", states.Select(s => $"{s.Name} {s.Reported}/{s.Goal}"))}");

        // The new primary holds every acknowledged report exactly once, each version whole, in order.
        Assert.Contains(states, s => s.Name == second.Name && s.Reported is "wait_primary" or "primary");
        var versions = await StoredReports.VersionsAsync(api.TenantDb, tenantId, Year);
        Assert.Empty(await StoredReports.InconsistenciesAsync(api.TenantDb, tenantId, Year));
        foreach (var outcome in outcomes)
        {
            var copies = versions.GetValueOrDefault(outcome.Report.Org)?.Count(value => value == outcome.Report.Value) ?? 0;
            Assert.True(outcome.Acknowledged ? copies == 1 : copies <= 1, $"{outcome}: stored {copies} times");
        }
        foreach (var (org, values) in versions)
            Assert.Equal(values.Order(), values);
        Assert.All(outcomes, outcome => Assert.True(outcome.Acknowledged, $"{outcome} was never acknowledged"));
        Assert.Equal(Units * VersionsPerUnit, versions.Values.Sum(list => list.Count));

        // During the gap: 503 problems with Retry-After, never a 500; and the gap within bounds.
        var serverErrors = outcomes.SelectMany(o => o.ServerErrorAnswers).ToList();
        Assert.All(serverErrors, answer => Assert.Equal("503 application/problem+json Retry-After=1", answer));
        Assert.True(gap <= MaxGap, $"Writes resumed {gap.TotalSeconds:F1} s after the kill; at most {MaxGap.TotalSeconds} s expected.");
        // Reads too: the figures or the report (404 until the first rollup or version), or a 503 with Retry-After.
        Assert.All(reads, read => Assert.Contains(read, new[] { "200", "404", "503 application/problem+json Retry-After=1" }));
        Assert.Contains("200", reads);

        // The listeners followed the primary: connected again, to the new one.
        Assert.True(api.Factory.Services.GetRequiredService<KeyRevocationListener>().Connections >= 2);
        Assert.True(api.Factory.Services.GetRequiredService<FigureGenerationListener>().Connections >= 2);

        // The rollups the failover interrupted converge to a recompute from scratch, on the new primary.
        var rows = new ReportRows(api);
        await rows.WaitForFiguresAsync(tenantId, Year, TimeSpan.FromMinutes(2));
        var root = await RollupSnapshot.RootFigureAsync(api, tenantId, tenant, Year, "1.1");
        Assert.Equal(root.Sum, root.Stored);
        await RollupSnapshot.ShouldEqualARecomputeAsync(api, tenantId, Year);
        var listening = await cluster.ReadAsync(second,
            "SELECT application_name FROM pg_stat_activity WHERE application_name LIKE 'aggregator-%-listener' ORDER BY 1");
        Assert.Equal(new[] { FigureGenerationListener.ApplicationName, KeyRevocationListener.ApplicationName }, listening);

        // The old primary's keeper started again: the monitor makes it a secondary of the new primary (pg_rewind), and
        // synchronous replication is back on.
        var rejoining = Stopwatch.StartNew();
        cluster.RestartKeeper(first);
        // pg_rewind, or a new base backup when it cannot (bounded by the nodes' 30 s checkpoint_timeout).
        await cluster.WaitForStatesAsync(s => AutoFailoverCluster.IsPrimaryAndSecondary(s, second, first), TimeSpan.FromSeconds(150));
        var rejoined = rejoining.Elapsed;
        var afterRejoin = await cluster.ReplicationAsync(second);
        Assert.StartsWith("ANY 1 (", afterRejoin.StandbyNames);
        Assert.Equal(new[] { "quorum" }, afterRejoin.SyncStates);
        await (await TestData.PostReportAsync(clients[0], tenant, units[0], TestData.ReportFor().With("1.1", 2000), Year))
            .ShouldHaveStatus(HttpStatusCode.Created);

        output.WriteLine(await cluster.ShowStateAsync());
        output.WriteLine($"failover: {Clients} clients posted {outcomes.Count} reports, all acknowledged and stored once; " +
                         $"503 answers {serverErrors.Count} (all with Retry-After), other 5xx 0, broken connections {outcomes.Sum(o => o.ConnectionErrors)}, " +
                         $"reads {reads.Count} ({reads.Count(r => r.StartsWith("503", StringComparison.Ordinal))} answered 503), " +
                         $"client retries {outcomes.Sum(o => o.Attempts - 1)}, server retries (Polly) {api.Factory.Services.GetRequiredService<DatabaseRetry>().Retries}; " +
                         $"gap {gap.TotalSeconds:F1} s; figures equal to a recompute; {first.Name} rejoined as secondary {rejoined.TotalSeconds:F0} s after its keeper restarted");
    }
}
