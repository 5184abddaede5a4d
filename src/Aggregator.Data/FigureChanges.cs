namespace Aggregator.Data;

/// <summary>
/// The append-only log of what changed a (tenant, year)'s figures (figure_changes, 0013_figure_changes.sql) and its
/// channel. A change is one row of its own, numbered from a global sequence, so writers of one year never wait on
/// each other; the rollup job consumes the rows. Every row and every stored rollup is announced on
/// <see cref="Channel"/> in its own transaction (PostgreSQL delivers it at commit), and each API replica keeps
/// the generations in memory from it.
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

    /// <summary>
    /// Appends a change of (tenant, year) and announces it, in one statement inside the changing transaction:
    /// both commit or roll back with the change. Payload: <c>&lt;tenant&gt;:&lt;year&gt;:&lt;generation&gt;</c>.
    /// </summary>
    public static Task RecordAsync(DbSession db, Guid tenantId, int year, string kind)
    {
        const string sql = $"""
            WITH change AS (
                INSERT INTO figure_changes (tenant_id, year, kind) VALUES (@tenantId, @year, @kind) RETURNING generation)
            SELECT pg_notify('{Channel}', @tenantId::text || ':' || @year::text || ':' || generation::text) FROM change
            """;
        return db.ExecuteAsync(sql, new { tenantId, year, kind });
    }
}
