using Dapper;
using Aggregator.Data;

namespace Aggregator.Api.Features.Reports.Storing;

internal static class Data
{
    /// <summary>The current version: what its ETag is made of, and what a new version is compared with.</summary>
    public sealed record CurrentRow(int Version, byte[] ContentHash, string Template, string Values, string Warnings, DateTime CreatedAt,
        string Status, DateTime StatusAt, string StatusBy, string? StatusComment)
    {
        /// <summary>A reviewer accepted the year's report and nobody reopened it: no version may be added.</summary>
        public bool Locked { get; init; }
    }

    private sealed record ReportLock(int Version, bool Locked);

    /// <summary>
    /// 'off' or 'required': whether a new version waits for a reviewer before it counts. KEY SHARE holds off a change
    /// of the setting (which locks the row FOR UPDATE) until this version commits, so that turning review off always
    /// sees, and accepts, a version that was stored as submitted; writers do not block one another.
    /// </summary>
    public static Task<string> ReviewModeAsync(DbSession db, Guid tenantId) =>
        db.QuerySingleAsync<string>("SELECT review FROM tenants WHERE tenant_id = @tenantId FOR KEY SHARE", new { tenantId });

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
            SELECT current_version AS Version, locked AS Locked FROM reports
            WHERE tenant_id = @tenantId AND org_unit_id = @orgUnitId AND year = @year
            FOR UPDATE
            """;
        const string readVersion = """
            SELECT version AS Version, content_hash AS ContentHash, template AS Template,
                   values::text AS Values, warnings::text AS Warnings, created_at AS CreatedAt,
                   status AS Status, status_at AS StatusAt, status_by AS StatusBy, status_comment AS StatusComment
            FROM report_versions
            WHERE tenant_id = @tenantId AND org_unit_id = @orgUnitId AND year = @year AND version = @version
            """;
        var row = await db.QuerySingleOrDefaultAsync<ReportLock>(lockReport, new { tenantId, orgUnitId, year });
        if (row is null) return null;
        var current = await db.QuerySingleAsync<CurrentRow>(readVersion, new { tenantId, orgUnitId, year, version = row.Version });
        return current with { Locked = row.Locked };
    }

    /// <summary>
    /// Points the report at its next version and returns that number; when <paramref name="counts"/> (review off, or
    /// accepted on storing) the new version is also the one that counts; <paramref name="resubmission"/>: the current version
    /// was returned, so the same content is a new version too. Two first versions racing without a
    /// row to lock serialise on the primary key: the second waits, then becomes version 2 — unless its content
    /// is the one the first stored, in which case nothing changes and the answer is null (unchanged).
    /// </summary>
    public static Task<int?> AdvanceAsync(DbSession db, Guid tenantId, long orgUnitId, int year, string template, byte[] contentHash, bool counts,
        bool resubmission)
    {
        const string sql = """
            INSERT INTO reports AS r (tenant_id, org_unit_id, year, template, current_version, content_hash, counted_version, counted_template)
            VALUES (@tenantId, @orgUnitId, @year, @template, 1, @contentHash,
                    CASE WHEN @counts THEN 1 END, CASE WHEN @counts THEN @template END)
            ON CONFLICT (tenant_id, org_unit_id, year) DO UPDATE
               SET current_version = r.current_version + 1, template = excluded.template,
                   content_hash = excluded.content_hash, updated_at = now(),
                   counted_version = CASE WHEN @counts THEN r.current_version + 1 ELSE r.counted_version END,
                   counted_template = CASE WHEN @counts THEN excluded.template ELSE r.counted_template END
               WHERE r.content_hash <> excluded.content_hash OR @resubmission
            RETURNING current_version
            """;
        return db.QuerySingleOrDefaultAsync<int?>(sql, new { tenantId, orgUnitId, year, template, contentHash, counts, resubmission });
    }

    /// <summary>A new version's review status as stored with it: who moved it there, when (now) and why.</summary>
    public sealed record InitialStatus(string Status, string By, string? Comment);

    public static Task<DateTime> InsertVersionAsync(DbSession db, Guid tenantId, long orgUnitId, int year, int version,
        string template, string values, string warnings, string? note, byte[] contentHash, string apiKeyId,
        InitialStatus status, DateTimeOffset? reportedAt, string? source = null)
    {
        const string sql = """
            INSERT INTO report_versions (tenant_id, org_unit_id, year, version, template, values, warnings, note, content_hash, api_key_id,
                                         status, status_at, status_by, status_comment, reported_at, source)
            VALUES (@tenantId, @orgUnitId, @year, @version, @template, @values::jsonb, @warnings::jsonb, @note, @contentHash, @apiKeyId,
                    @Status, now(), @By, @Comment, @reportedAt, @source::jsonb)
            RETURNING created_at
            """;
        var parameters = new DynamicParameters(status);
        parameters.AddDynamicParams(new { tenantId, orgUnitId, year, version, template, values, warnings, note, contentHash, apiKeyId, reportedAt, source });
        return db.QuerySingleAsync<DateTime>(sql, parameters);
    }

    /// <summary>
    /// The counted values as rows for the rollups: the old rows out and all new rows in, one command of two statements
    /// (one round trip).
    /// </summary>
    public static Task ReplaceValuesAsync(DbSession db, Guid tenantId, long orgUnitId, int year, string[] codes, decimal?[] values)
    {
        const string sql = """
            DELETE FROM report_values WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId;
            INSERT INTO report_values (tenant_id, year, org_unit_id, indicator, value)
            SELECT @tenantId, @year, @orgUnitId, v.indicator, v.value
            FROM unnest(@codes::text[], @values::numeric[]) AS v(indicator, value)
            """;
        return db.ExecuteAsync(sql, new { tenantId, orgUnitId, year, codes, values });
    }
}
