using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Aggregator.Data.Resilience;

/// <summary>
/// Runs a unit of work again, whole, after a transient database fault (<see cref="DatabaseFaults.IsTransient"/>),
/// with exponential back-off and jitter: Polly's retry strategy, one pipeline per process. The unit must open
/// its own transactions, so that each attempt starts afresh; what may be repeated is the caller's to say
/// (<c>mayRepeat</c>), e.g. only while its <see cref="CommitJournal"/> shows nothing stored.
/// </summary>
public sealed class DatabaseRetry
{
    private static readonly ResiliencePropertyKey<Func<Exception, bool>> MayRepeat = new("aggregator.may-repeat");

    private readonly ResiliencePipeline _pipeline;
    private long _retries;

    public DatabaseRetry(IOptions<DatabaseRetryOptions> options, NpgsqlDataSource dataSource, ILogger<DatabaseRetry> logger)
    {
        var settings = options.Value;
        RetryAfter = settings.RetryAfter;
        if (settings.RetryAttempts == 0)
        {
            _pipeline = ResiliencePipeline.Empty;
            return;
        }
        _pipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } fault && DatabaseFaults.IsTransient(fault)
                && (!args.Context.Properties.TryGetValue(MayRepeat, out var mayRepeat) || mayRepeat(fault))),
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

    /// <summary>Runs <paramref name="work"/>, and again after a transient fault while <paramref name="mayRepeat"/> allows it.</summary>
    public async Task ExecuteAsync(Func<CancellationToken, Task> work, CancellationToken ct, Func<Exception, bool>? mayRepeat = null)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        if (mayRepeat is not null) context.Properties.Set(MayRepeat, mayRepeat);
        try
        {
            await _pipeline.ExecuteAsync(static async (context, work) => await work(context.CancellationToken), context, work);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Runs <paramref name="work"/>, and again after a transient fault; for units that are safe to repeat whole.</summary>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct) =>
        _pipeline.ExecuteAsync(static async (work, ct) => await work(ct), work, ct);

    private static string Describe(Exception fault) => fault is PostgresException postgres
        ? $"{postgres.SqlState} {postgres.MessageText}"
        : fault.GetBaseException().Message;
}
