namespace Aggregator.Jobs.Upstream;

/// <summary>Aggregator:Upstream — how this deployment reaches the tenants its tenants report to.</summary>
public sealed class UpstreamOptions
{
    public const string Section = "Aggregator:Upstream";

    /// <summary>
    /// The address of this deployment, for links whose url is null (a city on the same deployment). Unset: the address
    /// this process's own server listens on; a worker process without a server needs it set.
    /// </summary>
    public Uri? SelfUrl { get; set; }

    /// <summary>One attempt's limit; the resilience pipeline retries transient failures within <see cref="TotalTimeout"/>.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>Retries of a transient failure (5xx, 408, 429, a refused connection), with exponential back-off from <see cref="RetryDelay"/>.</summary>
    public int Retries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}
