using System.Data;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Aggregator.Data.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aggregator.Data;

/// <summary>
/// Aggregator:Database:ReadReplicas — connection strings (the app role) of streaming standbys that may serve figure reads
/// (<c>Aggregator:Database:ReadReplicas:0</c>, <c>:1</c>, …). Empty: every read goes to the primary.
/// </summary>
public sealed class ReadReplicaOptions
{
    public const string Section = "Aggregator:Database";

    public List<string> ReadReplicas { get; set; } = [];

    /// <summary>Whether every entry is a connection string that names a host (checked at start-up).</summary>
    public static bool AreValid(ReadReplicaOptions options) => options.ReadReplicas.All(replica =>
    {
        try
        {
            return !string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(replica).Host);
        }
        catch (ArgumentException)
        {
            return false;
        }
    });
}

/// <summary>
/// One standby: its pool and whether it may be asked now. A standby that failed (down, refusing, a statement cancelled by
/// recovery) is not asked again until its back-off ends (1 s, doubling to 30 s while it keeps failing); then one request
/// tries it, the others keep going to the next source, so a dead standby costs one failed connect per back-off, not one
/// per request.
/// </summary>
public sealed class ReadReplica(string name, NpgsqlDataSource dataSource, TimeProvider time)
{
    private static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastBackOff = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private TimeSpan _backOff = TimeSpan.Zero;
    private DateTimeOffset _retryAt = DateTimeOffset.MinValue;
    private long _served;
    private long _lagging;
    private long _failed;

    /// <summary>host:port, for logs, metrics and /health/ready (never the password).</summary>
    public string Name { get; } = name;

    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>Reads it answered.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Reads it was asked for but could not answer: its figures were older than the primary's.</summary>
    public long Lagging => Interlocked.Read(ref _lagging);

    /// <summary>Reads it failed (down, erroring).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The error that put it in back-off, while it is there; null while it is usable.</summary>
    public string? Down { get; private set; }

    /// <summary>
    /// Whether a read may try it now: never while its back-off runs; when the back-off is over, only the first caller (the
    /// next attempt is pushed out by the same back-off meanwhile, so concurrent reads do not all knock at once).
    /// </summary>
    public bool TryClaim()
    {
        lock (_gate)
        {
            if (_backOff == TimeSpan.Zero) return true;
            var now = time.GetUtcNow();
            if (now < _retryAt) return false;
            _retryAt = now + _backOff;
            return true;
        }
    }

    /// <summary>Whether it is in back-off now (for /health/ready).</summary>
    public bool IsBackingOff
    {
        get { lock (_gate) return _backOff != TimeSpan.Zero; }
    }

    internal void RecordServed(ILogger logger)
    {
        Interlocked.Increment(ref _served);
        lock (_gate)
        {
            if (_backOff == TimeSpan.Zero) return;
            _backOff = TimeSpan.Zero;
            Down = null;
        }
        logger.LogInformation("Read replica {Replica} answers again; figure reads may go to it", Name);
    }

    internal void RecordLagging() => Interlocked.Increment(ref _lagging);

    internal void RecordFailed(Exception error, ILogger logger)
    {
        Interlocked.Increment(ref _failed);
        TimeSpan backOff;
        lock (_gate)
        {
            _backOff = _backOff == TimeSpan.Zero ? FirstBackOff : _backOff * 2 < LastBackOff ? _backOff * 2 : LastBackOff;
            _retryAt = time.GetUtcNow() + _backOff;
            backOff = _backOff;
            Down = error.Message;
        }
        logger.LogWarning("Read replica {Replica} failed ({Error}); figure reads go to the next source, and it is tried again in {BackOff}",
            Name, error.Message, backOff);
    }
}

/// <summary>
/// The standbys of Aggregator:Database:ReadReplicas, each with a pool of its own. They serve only reads whose answer is
/// checked against the primary's generations (Aggregator.Api's FigureDb says how); nothing else ever connects to them.
/// </summary>
public sealed class ReadReplicas : IAsyncDisposable
{
    private static readonly Counter<long> Reads = AggregatorTelemetry.Meter.CreateCounter<long>(
        "aggregator.figure_reads", unit: "{read}",
        description: "Figure reads from the database by source (primary, or a standby's host:port) and outcome (served; lagging or failed: the next source was asked)");

    /// <summary>Where a figure read was served: <c>primary</c>, or a standby's host:port.</summary>
    public const string SourceAttribute = "aggregator.source";

    private readonly ILogger<ReadReplicas> _logger;
    private readonly ScopeCommand _scopeCommand;
    private int _next;
    private long _primary;

    public ReadReplicas(IOptions<ReadReplicaOptions> options, IOptions<ScopeCommandOptions> scope, TimeProvider time, ILoggerFactory loggers)
    {
        _logger = loggers.CreateLogger<ReadReplicas>();
        _scopeCommand = scope.Value.ScopeCommand;
        All = options.Value.ReadReplicas.Select((connectionString, index) =>
        {
            var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
            var builder = new NpgsqlConnectionStringBuilder(
                DatabaseRegistration.PooledConnectionString(connectionString, autoPrepare: _scopeCommand != ScopeCommand.SetLocal))
            {
                ApplicationName = "aggregator-figure-reads",
            };
            // A standby that is gone is skipped after this long, not after Npgsql's default 15 s.
            if (!given.ContainsKey("Timeout")) builder.Timeout = 3;
            var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = $"aggregator-replica-{index}" }
                .UseLoggerFactory(loggers)
                .Build();
            return new ReadReplica($"{builder.Host}:{builder.Port}", dataSource, time);
        }).ToList();
    }

    public IReadOnlyList<ReadReplica> All { get; }

    /// <summary>Figure reads the primary answered while standbys were configured (none usable, or none up to date).</summary>
    public long PrimaryReads => Interlocked.Read(ref _primary);

    /// <summary>The standbys a read may try now, in turn (each read starts at the next one, spreading the reads).</summary>
    public IEnumerable<ReadReplica> Candidates()
    {
        if (All.Count == 0) yield break;
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)All.Count);
        for (var i = 0; i < All.Count; i++)
        {
            var replica = All[(start + i) % All.Count];
            if (replica.TryClaim()) yield return replica;
        }
    }

    /// <summary>A REPEATABLE READ transaction of <paramref name="tenantId"/> on the standby: every statement sees one snapshot.</summary>
    public Task<DbSession> BeginSnapshotAsync(ReadReplica replica, Guid tenantId, CancellationToken ct) =>
        DbSession.BeginAsync(replica.DataSource, new Dictionary<string, string> { ["app.tenant_id"] = tenantId.ToString() }, _scopeCommand,
            tenantId, ct, IsolationLevel.RepeatableRead);

    public void Served(ReadReplica replica)
    {
        replica.RecordServed(_logger);
        Reads.Add(1, new(SourceAttribute, replica.Name), new(AggregatorTelemetry.OutcomeAttribute, "served"));
    }

    public void Lagging(ReadReplica replica)
    {
        replica.RecordLagging();
        Reads.Add(1, new(SourceAttribute, replica.Name), new(AggregatorTelemetry.OutcomeAttribute, "lagging"));
    }

    public void Failed(ReadReplica replica, Exception error)
    {
        replica.RecordFailed(error, _logger);
        // Its idle connections are as dead as the one that failed (a restarted standby has none of them).
        replica.DataSource.Clear();
        Reads.Add(1, new(SourceAttribute, replica.Name), new(AggregatorTelemetry.OutcomeAttribute, "failed"));
    }

    /// <summary>The primary answered a read that a standby could have (none was usable or up to date).</summary>
    public void ServedByPrimary()
    {
        Interlocked.Increment(ref _primary);
        Reads.Add(1, new(SourceAttribute, "primary"), new(AggregatorTelemetry.OutcomeAttribute, "served"));
    }

    /// <summary>
    /// Whether <paramref name="error"/>, thrown while a standby served a read, is the standby's fault (down, unreachable,
    /// a statement cancelled by its recovery), so that the read goes to the next source; not when the request itself
    /// was cancelled.
    /// </summary>
    public static bool IsReplicaFault(Exception error, CancellationToken ct) =>
        !ct.IsCancellationRequested && error is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException
            or InvalidOperationException { Source: "Npgsql" };

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in All) await replica.DataSource.DisposeAsync();
    }
}

/// <summary>/health/ready: degraded (still 200) while a standby is in back-off; never unhealthy — the primary serves its reads.</summary>
public sealed class ReadReplicasCheck(ReadReplicas replicas) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (replicas.All.Count == 0) return Task.FromResult(HealthCheckResult.Healthy("No read replicas configured."));
        var down = replicas.All.Where(r => r.IsBackingOff).ToList();
        return Task.FromResult(down.Count == 0
            ? HealthCheckResult.Healthy($"{replicas.All.Count} read replica(s) in use.")
            : HealthCheckResult.Degraded(
                $"Read replica(s) skipped, their reads go to the primary: {string.Join("; ", down.Select(r => $"{r.Name}: {r.Down}"))}"));
    }
}

public static class ReadReplicaRegistration
{
    /// <summary>The standbys of Aggregator:Database:ReadReplicas (none by default), checked at start-up.</summary>
    public static IServiceCollection AddReadReplicas(this IServiceCollection services)
    {
        services.AddOptions<ReadReplicaOptions>().BindConfiguration(ReadReplicaOptions.Section)
            .Validate(ReadReplicaOptions.AreValid, "Aggregator:Database:ReadReplicas: each entry must be a connection string naming a Host.")
            .ValidateOnStart();
        services.AddSingleton<ReadReplicas>();
        return services;
    }
}
