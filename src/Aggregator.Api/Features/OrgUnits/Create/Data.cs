using Aggregator.Api.Auth;
using Aggregator.Data;
using Dapper;

namespace Aggregator.Api.Features.OrgUnits.Create;

internal static class Data
{
    /// <summary>The parent; its depth below the tenant's root (the root is 0).</summary>
    public sealed record ParentRow(long OrgUnitId, string Path, int Depth);

    /// <summary>The parent, if the caller's scope reaches it (the root when no code is given).</summary>
    public static Task<ParentRow?> FindParentAsync(DbSession db, string? parentCode, OrgScope scope)
    {
        const string sql = $"""
            SELECT o.org_unit_id AS OrgUnitId, o.path::text AS Path, nlevel(o.path) - 1 AS Depth FROM org_units o
            WHERE (CASE WHEN @parentCode::text IS NULL THEN o.parent_id IS NULL ELSE o.code = @parentCode END)
              AND {OrgScope.SqlFilter}
            """;
        var parameters = new DynamicParameters(scope);
        parameters.Add("parentCode", parentCode);
        return db.QuerySingleOrDefaultAsync<ParentRow>(sql, parameters);
    }

    public static Task<bool> CodeTakenAsync(DbSession db, string code) =>
        db.QuerySingleAsync<bool>("SELECT EXISTS (SELECT 1 FROM org_units WHERE tenant_id = @tenantId AND code = @code)",
            new { tenantId = db.Tenant, code });

    public static Task<OrgUnitView> InsertAsync(DbSession db, Guid tenantId, ParentRow parent, Request r)
    {
        const string sql = $"""
            WITH new AS (SELECT nextval(pg_get_serial_sequence('org_units', 'org_unit_id')) AS id),
            o AS (
                INSERT INTO org_units (tenant_id, org_unit_id, code, name, kind, parent_id, path, reports)
                SELECT @tenantId, new.id, @Code, @Name, @Kind, @parentId, @parentPath::ltree || new.id::text, @Reports
                FROM new
                RETURNING *
            )
            SELECT {OrgUnitView.Columns}
            FROM o
            """;
        return db.QuerySingleAsync<OrgUnitView>(sql, new
        {
            tenantId, r.Code, r.Name, r.Kind, r.Reports,
            parentId = parent.OrgUnitId, parentPath = parent.Path,
        });
    }

    public static async Task<IReadOnlyList<int>> ReportedYearsAsync(DbSession db) =>
        (await db.QueryAsync<int>("SELECT DISTINCT year FROM reports WHERE tenant_id = @tenantId ORDER BY year",
            new { tenantId = db.Tenant })).ToList();
}
