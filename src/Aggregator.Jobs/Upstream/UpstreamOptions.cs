namespace Aggregator.Jobs.Upstream;

/// <summary>Aggregator:Upstream — how this deployment reaches the tenants its tenants report to.</summary>
public sealed class UpstreamOptions
{
    public const string Section = "Aggregator:Upstream";

    /// <summary>The setting an operator lists upstream deployments in, as people read it in a refusal.</summary>
    public const string AllowedUrlsSetting = Section + ":AllowedUrls";

    /// <summary>
    /// The address of this deployment, for links whose url is null (a city on the same deployment). Unset: the address
    /// this process's own server listens on; a worker process without a server needs it set.
    /// </summary>
    public Uri? SelfUrl { get; set; }

    /// <summary>
    /// The upstream deployments a tenant may link to (base URLs such as https://gkpt.beijing.gov.cn, or bare host names,
    /// which mean https on port 443). A link's url must have an entry's scheme, host and port and lie under its path; http
    /// only where the entry itself is http. Empty (the default): only url null, this deployment. Without it a tenant-admin
    /// could make the server call any address of the internal network.
    /// </summary>
    public string[] AllowedUrls { get; set; } = [];

    /// <summary>One attempt's limit; the resilience pipeline retries transient failures within <see cref="TotalTimeout"/>.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>Retries of a transient failure (5xx, 408, 429, a refused connection), with exponential back-off from <see cref="RetryDelay"/>.</summary>
    public int Retries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Cron of <see cref="UpstreamStatusPoll"/>, which reads upstream's review of every hand-up still waiting there and records
    /// an acceptance or a return (with its comment) in the tenant's audit. Six fields count seconds.
    /// </summary>
    public string StatusPollCron { get; set; } = "*/10 * * * *";
}
