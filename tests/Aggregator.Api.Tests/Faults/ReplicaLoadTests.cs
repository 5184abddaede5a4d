using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;
using Xunit.Abstractions;

namespace Aggregator.Api.Tests.Faults;

/// <summary>Two API processes and one worker on one database, under concurrent posts to the same reports through both.</summary>
[Collection(SlowTests.Collection)]
public sealed class ReplicaLoadTests(ITestOutputHelper output)
{
    private const int Year = SeedReport.Year;
    private const int Units = 24;
    private const int VersionsPerWriter = 6;

    [SkippableFact]
    public async Task Should_store_no_version_twice_lose_no_rollup_and_match_a_recompute_with_two_api_processes_and_a_worker()
    {
        SlowTests.Require();
        // The fixture's own API only sets up and reads; the two replicas and the worker are processes of their own.
        var api = ApiFixture.With(new Dictionary<string, string?> { ["Aggregator:Jobs:RunServer"] = "false" });
        await api.InitializeAsync();
        try
        {
            await PostThroughReplicasAsync(api);
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    private async Task PostThroughReplicasAsync(ApiFixture api)
    {
        var rows = new ReportRows(api);
        var (tenant, tenantId, units, key) = await ReportLoad.TenantAsync(api, Units);

        await using var worker = await Processes.StartWorkerAsync(api, TimeSpan.FromSeconds(30));
        var (first, firstAddress) = await Processes.StartApiAsync(api);
        await using var firstProcess = first;
        var (second, secondAddress) = await Processes.StartApiAsync(api);
        await using var secondProcess = second;
        var replicas = new[] { firstAddress, secondAddress };

        // Every unit has two writers at once, one through each replica, with values of their own (odd, even); each
        // report is then sent again with its key through the other replica, which must answer it from the record.
        var writers = units.SelectMany((org, index) => new[] { 0, 1 }.Select(side => (Org: org, Side: side))).ToList();
        var replayed = 0;
        var versionsAnswered = new System.Collections.Concurrent.ConcurrentBag<(string Org, int Version)>();
        await Task.WhenAll(writers.Select(async writer =>
        {
            using var near = Processes.Client(replicas[writer.Side], key);
            using var far = Processes.Client(replicas[1 - writer.Side], key);
            for (var v = 0; v < VersionsPerWriter; v++)
            {
                var value = 1000 + 2 * v + writer.Side;
                var idempotencyKey = $"{writer.Org}-{value}";
                using var answer = await TestData.PostReportAsync(near, tenant, writer.Org, TestData.ReportFor().With("1.1", value), Year, idempotencyKey);
                await answer.ShouldHaveStatus(HttpStatusCode.Created);
                var body = await answer.Content.ReadAsStringAsync();
                using var replay = await TestData.PostReportAsync(far, tenant, writer.Org, TestData.ReportFor().With("1.1", value), Year, idempotencyKey);
                await replay.ShouldHaveStatus(HttpStatusCode.Created);
                Assert.Equal(body, await replay.Content.ReadAsStringAsync());
                Interlocked.Increment(ref replayed);
                versionsAnswered.Add((writer.Org, JsonDocument.Parse(body).RootElement.GetProperty("version").GetInt32()));
            }
        }));

        // No duplicate versions: each report's versions 1…n once each, every value once, every answer a different version.
        var versions = await StoredReports.VersionsAsync(api.TenantDb, tenantId, Year);
        Assert.Empty(await StoredReports.InconsistenciesAsync(api.TenantDb, tenantId, Year));
        foreach (var org in units)
        {
            Assert.Equal(2 * VersionsPerWriter, versions[org].Count);
            Assert.Equal(versions[org].Count, versions[org].Distinct().Count());
        }
        Assert.Equal(versionsAnswered.Count, versionsAnswered.Distinct().Count());

        // No lost rollup: the worker computed the figures of every version, and they equal a recompute from scratch.
        await rows.WaitForFiguresAsync(tenantId, Year, TimeSpan.FromMinutes(3));
        var root1 = await RollupSnapshot.RootFigureAsync(api, tenantId, tenant, Year, "1.1");
        Assert.Equal(root1.Sum, root1.Stored);
        await RollupSnapshot.ShouldEqualARecomputeAsync(api, tenantId, Year);

        output.WriteLine($"replicas: 2 API processes + 1 worker; {writers.Count} writers (two per report, one through each replica) posted " +
                         $"{versionsAnswered.Count} versions, each sent again through the other replica ({replayed} replays, all answered " +
                         $"from the record); stored {versions.Values.Sum(list => list.Count)} versions; figures equal to a recompute from scratch");
    }
}
