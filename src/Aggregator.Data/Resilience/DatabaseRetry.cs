using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Aggregator.Data.Resilience;

/// <summary>
/// Runs a unit of work again, whole, after a transient database fault (<see cref="DatabaseFaults.IsTransient"/>),
/// with exponential back-off and jitter: Polly's retry strategy, one pipeline per process. The unit must open
/// its own transaction, so that each attempt starts afresh (<see cref="TenantDb.RunAsync{T}"/>); a fault before its
/// COMMIT rolled everything back, and a COMMIT that broke off unanswered is not transient
/// (<see cref="CommitOutcomeUnknownException"/>), so a repeat never stores twice.
/// </summary>
public sealed class DatabaseRetry
{
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger<DatabaseRetry> _logger;
    private long _retries;

    public DatabaseRetry(IOptions<DatabaseRetryOptions> options, NpgsqlDataSource dataSource, ILogger<DatabaseRetry> logger)
    {
        var settings = options.Value;
        _logger = logger;
        RetryAfter = settings.RetryAfter;
        if (settings.RetryAttempts == 0)
        {
            _pipeline = ResiliencePipeline.Empty;
            return;
        }
        _pipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } fault && DatabaseFaults.IsTransient(fault)),
            MaxRetryAttempts = settings.RetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = settings.RetryBaseDelay,
            MaxDelay = settings.RetryMaxDelay,
            OnRetry = args =>
            {
                Interlocked.Increment(ref _retries);
                var fault = args.Outcome.Exception!;
                // After a restart every idle connection of the pool is dead: drop them all instead of meeting
                // them one retry at a time. Connections in use are closed when they are returned.
                if (DatabaseFaults.IsConnectionLost(fault)) dataSource.Clear();
                logger.LogWarning("Transient database fault ({Fault}); retry {Attempt} of {Attempts} in {Delay} ms",
                    Describe(fault), args.AttemptNumber + 1, settings.RetryAttempts, (int)args.RetryDelay.TotalMilliseconds);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    /// <summary>The Retry-After of a 503 answered while the database is unavailable (Aggregator:Database:RetryAfter).</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>Retries this process has made since it started.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Runs <paramref name="work"/>, and again after a transient fault.</summary>
    public async Task ExecuteAsync(Func<CancellationToken, Task> work, CancellationToken ct) =>
        await _pipeline.ExecuteAsync(static async (work, ct) => await work(ct), work, ct);

    /// <summary>Runs <paramref name="work"/>, and again after a transient fault; for units that are safe to repeat whole.</summary>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct) =>
        _pipeline.ExecuteAsync(static async (work, ct) => await work(ct), work, ct);

    /// <summary>
    /// Runs <paramref name="followUp"/> of a committed write (queuing its rollup, say): again after a transient fault, and
    /// if it still fails, logged and counted (<c>aggregator.follow_ups.failed</c>), never thrown. The write stands and its
    /// answer says so; the recurring sweep catches up on whatever the follow-up did not do. Not cancelled with a request.
    /// </summary>
    public async Task RunFollowUpAsync(string followUp, Func<CancellationToken, Task> work)
    {
        try
        {
            await ExecuteAsync(work, CancellationToken.None);
        }
        catch (Exception error)
        {
            Telemetry.AggregatorTelemetry.FollowUpsFailed.Add(1);
            _logger.LogError(error, "Follow-up {FollowUp} failed after its write was committed; the write stands and the sweep catches up",
                followUp);
        }
    }

    private static string Describe(Exception fault) => fault is PostgresException postgres
        ? $"{postgres.SqlState} {postgres.MessageText}"
        : fault.GetBaseException().Message;
}
