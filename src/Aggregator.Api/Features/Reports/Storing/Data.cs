using Aggregator.Data;

namespace Aggregator.Api.Features.Reports.Storing;

internal static class Data
{
    /// <summary>The current version: what its ETag is made of, and what a new version is compared with.</summary>
    public sealed record CurrentRow(int Version, byte[] ContentHash, string Template, string Values, string Warnings, DateTime CreatedAt);

    /// <summary>
    /// The current version, its report row locked until commit so no other writer can pass the same If-Match.
    /// Two statements on purpose: a writer that waited for the lock must see the version the other writer
    /// committed. In one statement joining the version, READ COMMITTED re-checks only the locked report row
    /// after the wait, against the version row read before it, and the join then finds nothing: the waiter
    /// took the report for one without versions (a wrong 412, and no values-removed warning).
    /// </summary>
    public static async Task<CurrentRow?> LockCurrentAsync(DbSession db, Guid tenantId, long orgUnitId, int year)
    {
        const string lockReport = """
            SELECT current_version FROM reports
            WHERE tenant_id = @tenantId AND org_unit_id = @orgUnitId AND year = @year
            FOR UPDATE
            """;
        const string readVersion = """
            SELECT version AS Version, content_hash AS ContentHash, template AS Template,
                   values::text AS Values, warnings::text AS Warnings, created_at AS CreatedAt
            FROM report_versions
            WHERE tenant_id = @tenantId AND org_unit_id = @orgUnitId AND year = @year AND version = @version
            """;
        var version = await db.QuerySingleOrDefaultAsync<int?>(lockReport, new { tenantId, orgUnitId, year });
        if (version is null) return null;
        return await db.QuerySingleAsync<CurrentRow>(readVersion, new { tenantId, orgUnitId, year, version });
    }

    /// <summary>
    /// Points the report at its next version and returns that number. Two first versions racing without a
    /// row to lock serialise on the primary key: the second waits, then becomes version 2 — unless its content
    /// is the one the first stored, in which case nothing changes and the answer is null (unchanged).
    /// </summary>
    public static Task<int?> AdvanceAsync(DbSession db, Guid tenantId, long orgUnitId, int year, string template, byte[] contentHash)
    {
        const string sql = """
            INSERT INTO reports AS r (tenant_id, org_unit_id, year, template, current_version, content_hash)
            VALUES (@tenantId, @orgUnitId, @year, @template, 1, @contentHash)
            ON CONFLICT (tenant_id, org_unit_id, year) DO UPDATE
               SET current_version = r.current_version + 1, template = excluded.template,
                   content_hash = excluded.content_hash, updated_at = now()
               WHERE r.content_hash <> excluded.content_hash
            RETURNING current_version
            """;
        return db.QuerySingleOrDefaultAsync<int?>(sql, new { tenantId, orgUnitId, year, template, contentHash });
    }

    public static Task<DateTime> InsertVersionAsync(DbSession db, Guid tenantId, long orgUnitId, int year, int version,
        string template, string values, string warnings, string? note, byte[] contentHash, string apiKeyId)
    {
        const string sql = """
            INSERT INTO report_versions (tenant_id, org_unit_id, year, version, template, values, warnings, note, content_hash, api_key_id)
            VALUES (@tenantId, @orgUnitId, @year, @version, @template, @values::jsonb, @warnings::jsonb, @note, @contentHash, @apiKeyId)
            RETURNING created_at
            """;
        return db.QuerySingleAsync<DateTime>(sql,
            new { tenantId, orgUnitId, year, version, template, values, warnings, note, contentHash, apiKeyId });
    }

    /// <summary>The current values as rows for the rollups: the old rows out, all new rows in one statement.</summary>
    public static async Task ReplaceValuesAsync(DbSession db, Guid tenantId, long orgUnitId, int year, string[] codes, decimal?[] values)
    {
        const string delete = "DELETE FROM report_values WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId";
        const string insert = """
            INSERT INTO report_values (tenant_id, year, org_unit_id, indicator, value)
            SELECT @tenantId, @year, @orgUnitId, v.indicator, v.value
            FROM unnest(@codes::text[], @values::numeric[]) AS v(indicator, value)
            """;
        await db.ExecuteAsync(delete, new { tenantId, orgUnitId, year });
        await db.ExecuteAsync(insert, new { tenantId, orgUnitId, year, codes, values });
    }
}
