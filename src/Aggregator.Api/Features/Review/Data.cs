using Aggregator.Api.Auth;
using Aggregator.Data;
using Dapper;

namespace Aggregator.Api.Features.Review;

public static class Data
{
    /// <summary>
    /// The year's report of a unit in the caller's scope, its row locked until commit: the unit's tree path (who is above
    /// it) and the key that reported the version that counts (who may not reopen it).
    /// </summary>
    public sealed record ReportRow(long OrgUnitId, int CurrentVersion, int? CountedVersion, bool Locked, string UnitPath, string? CountedBy);

    /// <summary>A version as a transition needs it, with the key that reported it.</summary>
    public sealed record VersionRow(int Version, string Template, string Values, string Status, string ReportedBy);

    /// <summary>
    /// Locks the report row first and reads the version after, in two statements: a transition that waited for
    /// another one must see the status that one committed (one statement would re-check only the locked row).
    /// Before the report row, the tenants row KEY SHARE, in the order turning review off locks them (the setting FOR
    /// UPDATE, then the reports waiting for a reviewer): the audit entry's foreign key takes that share anyway, and
    /// taken after the report row it deadlocks a move with turning review off.
    /// </summary>
    public static async Task<ReportRow?> LockReportAsync(DbSession db, Caller caller, string orgCode, int year)
    {
        await db.ExecuteAsync("SELECT 1 FROM tenants WHERE tenant_id = @tenantId FOR KEY SHARE", new { tenantId = db.Tenant });
        const string sql = $"""
            SELECT o.org_unit_id AS OrgUnitId, r.current_version AS CurrentVersion, r.counted_version AS CountedVersion, r.locked AS Locked,
                   o.path::text AS UnitPath,
                   (SELECT v.api_key_id FROM report_versions v
                    WHERE v.tenant_id = r.tenant_id AND v.org_unit_id = r.org_unit_id AND v.year = r.year AND v.version = r.counted_version) AS CountedBy
            FROM org_units o
            JOIN reports r ON r.tenant_id = o.tenant_id AND r.org_unit_id = o.org_unit_id AND r.year = @year
            WHERE o.code = @orgCode AND {OrgScope.SqlFilter}
            FOR UPDATE OF r
            """;
        var parameters = new DynamicParameters(OrgScope.Of(caller, db.Tenant));
        parameters.AddDynamicParams(new { orgCode, year });
        return await db.QuerySingleOrDefaultAsync<ReportRow>(sql, parameters);
    }

    public static Task<VersionRow?> FindVersionAsync(DbSession db, long orgUnitId, int year, int version) =>
        db.QuerySingleOrDefaultAsync<VersionRow>("""
            SELECT version AS Version, template AS Template, values::text AS Values, status AS Status, api_key_id AS ReportedBy
            FROM report_versions
            WHERE tenant_id = @tenantId AND org_unit_id = @orgUnitId AND year = @year AND version = @version
            """, new { tenantId = db.Tenant, orgUnitId, year, version });

    public static Task SetStatusAsync(DbSession db, long orgUnitId, int year, int version, string status, string actor, string? comment) =>
        db.ExecuteAsync("""
            UPDATE report_versions SET status = @status, status_at = now(), status_by = @actor, status_comment = @comment
            WHERE tenant_id = @tenantId AND org_unit_id = @orgUnitId AND year = @year AND version = @version
            """, new { tenantId = db.Tenant, orgUnitId, year, version, status, actor, comment });

    /// <summary>The version counts from now on; <paramref name="locked"/>: a reviewer accepted it, so the year is closed.</summary>
    public static Task CountAsync(DbSession db, long orgUnitId, int year, int version, string template, bool locked) =>
        db.ExecuteAsync("""
            UPDATE reports SET counted_version = @version, counted_template = @template, locked = locked OR @locked, updated_at = now()
            WHERE tenant_id = @tenantId AND org_unit_id = @orgUnitId AND year = @year
            """, new { tenantId = db.Tenant, orgUnitId, year, version, template, locked });

    public static Task UnlockAsync(DbSession db, long orgUnitId, int year) =>
        db.ExecuteAsync("""
            UPDATE reports SET locked = false, updated_at = now()
            WHERE tenant_id = @tenantId AND org_unit_id = @orgUnitId AND year = @year
            """, new { tenantId = db.Tenant, orgUnitId, year });

    /// <summary>Reports whose newest version waits for a reviewer: what turning review off accepts.</summary>
    public sealed record PendingRow(long OrgUnitId, string OrgCode, int Year, int Version);

    public static Task<IEnumerable<PendingRow>> PendingAsync(DbSession db) =>
        db.QueryAsync<PendingRow>("""
            SELECT r.org_unit_id AS OrgUnitId, o.code AS OrgCode, r.year AS Year, r.current_version AS Version
            FROM reports r
            JOIN report_versions v ON v.tenant_id = r.tenant_id AND v.org_unit_id = r.org_unit_id AND v.year = r.year
                                  AND v.version = r.current_version
            JOIN org_units o ON o.tenant_id = r.tenant_id AND o.org_unit_id = r.org_unit_id
            WHERE r.tenant_id = @tenantId AND v.status = 'submitted'
            ORDER BY r.year, o.code COLLATE "C"
            FOR UPDATE OF r
            """, new { tenantId = db.Tenant });
}
