namespace Aggregator.Data;

/// <summary>
/// The append-only log of what changed a (tenant, year)'s figures (figure_changes, 0013_figure_changes.sql) and its
/// channel. A change is one row of its own, numbered from a global sequence, so writers of one year never wait on
/// each other; the rollup job consumes the rows.
/// <para>
/// A writer does not NOTIFY: PostgreSQL serializes the commits of notifying transactions (a lock on the database is
/// held from before the commit until after its WAL flush), so writers that notified would queue up one by one behind
/// it. Each process announces the years it changed after their commits instead, coalesced, in a statement of its own
/// (<c>FigureAnnouncer</c>: <see cref="AnnounceSql"/>); the rollup job announces what it stored. Each API replica keeps
/// the generations in memory from what it hears, and a poll catches up with whatever it did not hear.
/// </para>
/// </summary>
public static class FigureChanges
{
    public const string Channel = "aggregator_figures";

    /// <summary>A change of what figures are made of: a version, a review move, the org tree.</summary>
    public const string Change = "change";

    /// <summary>A year's deadline: nothing to recompute, but the completeness answer changes.</summary>
    public const string Deadline = "deadline";

    /// <summary>Suffix of the payload the rollup job sends when it stored figures (the generation is then the figures').</summary>
    public const string Stored = "stored";

    /// <summary>Payload word of an announcement: the year has new changes; read its pending generations anew.</summary>
    public const string Changes = "changes";

    /// <summary>
    /// One announcement per (tenant, year), payload <c>&lt;tenant&gt;:&lt;year&gt;:changes</c>; parameters
    /// <c>@tenants</c> (uuid[]) and <c>@years</c> (int[]) of equal length. Needs no tenant scope: it reads no table.
    /// </summary>
    public const string AnnounceSql = $"""
        SELECT count(pg_notify('{Channel}', t::text || ':' || y::text || ':{Changes}'))
        FROM unnest(@tenants::uuid[], @years::integer[]) AS k(t, y)
        """;

    /// <summary>
    /// Appends a change of (tenant, year) inside the changing transaction: it commits or rolls back with the change.
    /// Whoever records it announces it after the commit (see the class's remarks).
    /// </summary>
    public static Task RecordAsync(DbSession db, Guid tenantId, int year, string kind) =>
        db.ExecuteAsync("INSERT INTO figure_changes (tenant_id, year, kind) VALUES (@tenantId, @year, @kind)", new { tenantId, year, kind });
}
