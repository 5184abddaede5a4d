using Aggregator.Data;

namespace Aggregator.Api.Features.Tenants.Create;

internal static class Data
{
    /// <summary>The tenant and the root of its org-unit tree, which carries the tenant's own code.</summary>
    public static async Task<DateTime> InsertTenantAsync(DbSession db, Guid tenantId, Request r, string timeZone)
    {
        const string sql = """
            WITH tenant AS (
                INSERT INTO tenants (tenant_id, code, name, kind, time_zone) VALUES (@tenantId, @Code, @Name, @Kind, @timeZone)
                RETURNING tenant_id, created_at
            ), root AS (
                SELECT nextval(pg_get_serial_sequence('org_units', 'org_unit_id')) AS id
            )
            INSERT INTO org_units (tenant_id, org_unit_id, code, name, kind, parent_id, path)
            SELECT tenant.tenant_id, root.id, @Code, @Name, @Kind, NULL, text2ltree(root.id::text)
            FROM tenant, root
            RETURNING (SELECT created_at FROM tenant)
            """;
        return await db.QuerySingleAsync<DateTime>(sql, new { tenantId, r.Code, r.Name, r.Kind, timeZone });
    }

    public static Task<bool> CodeTakenAsync(DbSession db, string code) =>
        db.QuerySingleAsync<bool>("SELECT EXISTS (SELECT 1 FROM tenants WHERE code = @code)", new { code });
}
