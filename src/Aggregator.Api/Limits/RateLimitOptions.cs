namespace Aggregator.Api.Limits;

/// <summary>
/// Aggregator:RateLimit — how many requests one API key (or, without a key, one address) and the keys of one org
/// unit together may make, and how many expensive reads a tenant may run at once.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Aggregator:RateLimit";

    /// <summary>The most any one rate may be: beyond it a limit limits nothing a single process could serve.</summary>
    public const int MostPerMinute = 1_000_000;

    /// <summary>The most expensive reads one tenant may be allowed at once.</summary>
    public const int MostConcurrency = 1_000;

    /// <summary>Requests a key may make per minute, in a burst or spread out; 0 turns every limit off.</summary>
    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>
    /// Imports and recomputes a key may ask for per minute, on top of <see cref="PermitsPerMinute"/>: each one
    /// queues a job that reads or writes a whole tenant's year; 0 leaves them to the general limit alone.
    /// </summary>
    public int StrictPermitsPerMinute { get; set; } = 10;

    /// <summary>
    /// Key-less public reads (/public/v1) one client address may make per minute, on top of <see cref="PermitsPerMinute"/>
    /// (which counts them per address too); 0 leaves them to the general limit alone.
    /// </summary>
    public int PublicPermitsPerMinute { get; set; } = 120;

    /// <summary>
    /// Requests all keys of one org unit may make together per minute, on top of each key's own limit: a
    /// tenant-admin may create keys, and each new key must not bring its unit a new share. Each unit has a bucket
    /// of its own, so a unit that floods spends only its own permits: its district, its siblings and the root's
    /// keys keep theirs. 0: no unit limit.
    /// </summary>
    public int UnitPermitsPerMinute { get; set; } = 1_800;

    /// <summary>
    /// Expensive reads (quality, the .xlsx/.csv downloads, tables of more than <see cref="ExpensiveReads.TableCells"/>
    /// cells) one tenant may have running at once, over all its keys; one more is a 429 at once (no queue).
    /// 0: no such limit.
    /// </summary>
    public int ExpensiveConcurrency { get; set; } = 2;

    /// <summary>
    /// The setting <see cref="UnitPermitsPerMinute"/> replaced: a bucket shared by a whole tenant let one unit starve
    /// its district. Still bound only so that a deployment that sets it is told at start-up instead of silently ignored.
    /// </summary>
    public int? TenantPermitsPerMinute { get; set; }
}
