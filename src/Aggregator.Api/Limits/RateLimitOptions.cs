namespace Aggregator.Api.Limits;

/// <summary>Aggregator:RateLimit — how many requests one API key (or, without a key, one address) may make.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Aggregator:RateLimit";

    /// <summary>The most any one rate may be: beyond it a limit limits nothing a single process could serve.</summary>
    public const int MostPerMinute = 1_000_000;

    /// <summary>Requests a key may make per minute, in a burst or spread out; 0 turns every limit off.</summary>
    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>
    /// Imports and recomputes a key may ask for per minute, on top of <see cref="PermitsPerMinute"/>: each one
    /// queues a job that reads or writes a whole tenant's year; 0 leaves them to the general limit alone.
    /// </summary>
    public int StrictPermitsPerMinute { get; set; } = 10;

    /// <summary>
    /// Requests all keys of one tenant may make together per minute, on top of each key's own limit: a tenant-admin
    /// may create keys, and each new key must not bring a new share of the shared database. 0: no tenant limit.
    /// </summary>
    public int TenantPermitsPerMinute { get; set; } = 6_000;
}
