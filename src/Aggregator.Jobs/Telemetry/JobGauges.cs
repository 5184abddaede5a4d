using System.Diagnostics.Metrics;
using Aggregator.Data;
using Aggregator.Data.Telemetry;
using Aggregator.Jobs.Rollups;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Aggregator.Jobs.Telemetry;

/// <summary>
/// Gauges of the work waiting in the database, read when metrics are collected (a scrape of /metrics): the
/// Hangfire queues' depth and lag, failed and running jobs, and how long the oldest figures to compute have been
/// stale, across tenants. One snapshot serves every gauge of a collection. The values are the database's, so every
/// process that reports them reports the same: aggregate replicas with max, not sum.
/// </summary>
public sealed class JobGauges : IDisposable
{
    private static readonly string[] KnownQueues = [RollupTrigger.Queue, RollupTrigger.BulkQueue, RecomputeRequests.Queue, "default"];
    /// <summary>Long enough for one collection's callbacks to share a snapshot, short enough that the next scrape reads anew.</summary>
    private static readonly TimeSpan SnapshotLifetime = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private readonly JobStorage _storage;
    private readonly TenantDb _tenantDb;
    private readonly TimeProvider _time;
    private readonly ILogger<JobGauges> _logger;
    private readonly Meter _meter;
    private readonly Lock _sampling = new();
    private Snapshot? _last;

    public JobGauges(JobStorage storage, TenantDb tenantDb, TimeProvider time, IMeterFactory meters, ILogger<JobGauges> logger)
    {
        (_storage, _tenantDb, _time, _logger) = (storage, tenantDb, time, logger);
        _meter = meters.Create(AggregatorTelemetry.Name);
        _meter.CreateObservableGauge("aggregator.jobs.queue.depth", () => PerQueue(q => q.Depth), unit: "{job}",
            description: "Jobs enqueued and waiting for a worker, by queue.");
        _meter.CreateObservableGauge("aggregator.jobs.queue.lag", () => PerQueue(q => q.OldestWaitSeconds), unit: "s",
            description: "How long the oldest job waiting in the queue has waited (0 when none waits).");
        _meter.CreateObservableGauge("aggregator.jobs.processing", () => Single(s => s.Processing), unit: "{job}",
            description: "Jobs running on a worker now.");
        _meter.CreateObservableGauge("aggregator.jobs.failed", () => Single(s => s.Failed), unit: "{job}",
            description: "Jobs that failed after their retries and wait for an operator.");
        _meter.CreateObservableGauge("aggregator.rollups.stale", () => Single(s => s.StaleYears), unit: "{year}",
            description: "Tenant years whose stored figures miss report versions, across tenants.");
        _meter.CreateObservableGauge("aggregator.rollups.staleness", () => Single(s => s.OldestStaleSeconds), unit: "s",
            description: "How long the oldest stale figures, across tenants, have waited for their rollup (0 when none).");
    }

    public void Dispose() => _meter.Dispose();

    private sealed record QueueSample(string Name, long Depth, double OldestWaitSeconds);

    private sealed record Snapshot(DateTimeOffset At, IReadOnlyList<QueueSample> Queues, long Processing, long Failed,
        long StaleYears, double OldestStaleSeconds);

    private IEnumerable<Measurement<double>> PerQueue(Func<QueueSample, double> value) =>
        Current() is { } snapshot
            ? snapshot.Queues.Select(q => new Measurement<double>(value(q), new KeyValuePair<string, object?>(AggregatorTelemetry.QueueAttribute, q.Name)))
            : [];

    private IEnumerable<Measurement<double>> Single(Func<Snapshot, double> value) =>
        Current() is { } snapshot ? [new Measurement<double>(value(snapshot))] : [];

    /// <summary>The snapshot of this collection, or null when the database cannot be read (the gauges then report nothing).</summary>
    private Snapshot? Current()
    {
        lock (_sampling)
        {
            var now = _time.GetUtcNow();
            if (_last is { } recent && now - recent.At < SnapshotLifetime) return recent;
            try
            {
                _last = Sample(now);
            }
            catch (Exception e)
            {
                _logger.LogWarning("Job and rollup gauges not read: {Error}", e.Message);
                _last = null;
            }
            return _last;
        }
    }

    private Snapshot Sample(DateTimeOffset now)
    {
        var monitoring = _storage.GetMonitoringApi();
        var found = monitoring.Queues().ToDictionary(q => q.Name, StringComparer.Ordinal);
        var queues = KnownQueues.Union(found.Keys).Order(StringComparer.Ordinal).Select(name =>
        {
            if (!found.TryGetValue(name, out var queue)) return new QueueSample(name, 0, 0);
            var oldest = queue.FirstJobs.Select(job => job.Value?.EnqueuedAt).Where(at => at is not null).Min();
            var wait = oldest is { } enqueuedAt ? Math.Max(0, (now.UtcDateTime - DateTime.SpecifyKind(enqueuedAt, DateTimeKind.Utc)).TotalSeconds) : 0;
            return new QueueSample(name, queue.Length, wait);
        }).ToList();
        var statistics = monitoring.GetStatistics();
        var (staleYears, oldestStale) = ReadStalenessAsync().GetAwaiter().GetResult();
        return new Snapshot(now, queues, statistics.Processing, statistics.Failed, staleYears, oldestStale);
    }

    private async Task<(long Years, double OldestSeconds)> ReadStalenessAsync()
    {
        // figure_changes across tenants through its monitoring policy (see 0013_figure_changes.sql): only the
        // aggregate leaves the database. A change stays there until the rollup that includes it deletes it.
        const string staleness = """
            SELECT count(DISTINCT (tenant_id, year)) AS Years, coalesce(extract(epoch FROM now() - min(at)), 0)::float8 AS OldestSeconds
            FROM figure_changes WHERE kind <> 'deadline'
            """;
        using var timeout = new CancellationTokenSource(ReadTimeout);
        await using var db = await _tenantDb.BeginMonitoringAsync(timeout.Token);
        var row = await db.QuerySingleAsync<(long Years, double OldestSeconds)>(staleness);
        await db.CommitAsync();
        return (row.Years, Math.Max(0, row.OldestSeconds));
    }
}

public static class JobGaugesRegistration
{
    /// <summary>The <see cref="JobGauges"/> of this process, created and disposed with its meter provider.</summary>
    public static MeterProviderBuilder AddJobGauges(this MeterProviderBuilder meters) =>
        meters.AddInstrumentation(services => ActivatorUtilities.CreateInstance<JobGauges>(services));
}
