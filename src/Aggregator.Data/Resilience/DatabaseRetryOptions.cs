namespace Aggregator.Data.Resilience;

/// <summary>Aggregator:Database — how transient database faults are retried and how long clients are told to wait.</summary>
public sealed class DatabaseRetryOptions
{
    public const string Section = "Aggregator:Database";

    /// <summary>Retries of a unit of work after a transient fault (0 turns retrying off).</summary>
    public int RetryAttempts { get; set; } = 6;

    /// <summary>The first retry's delay; each next one doubles it, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The Retry-After of a 503 answered while the database is unavailable or takes no writes.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}
