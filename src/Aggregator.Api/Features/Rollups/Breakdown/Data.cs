using Aggregator.Data;

namespace Aggregator.Api.Features.Rollups.Breakdown;

internal static class Data
{
    public sealed record Header(int Year, string Template, DateTime ComputedAt, bool Stale, decimal? Total);
    public sealed record ChildRow(string Code, string Name, decimal? Value);

    public static Task<Header?> FindAsync(DbSession db, int year, long orgUnitId, string indicator)
    {
        const string sql = $"""
            SELECT {StoredFigures.Columns},
                   (SELECT r.value FROM rollup_values r WHERE r.tenant_id = s.tenant_id AND r.year = s.year
                      AND r.org_unit_id = @orgUnitId AND r.indicator = @indicator) AS Total
            {StoredFigures.OfUnit} AND s.year = @year
            """;
        return db.QuerySingleOrDefaultAsync<Header>(sql, new { tenantId = db.Tenant, year, orgUnitId, indicator });
    }

    /// <summary>Each child's stored rollup, or its own report's value when it has no units below it.</summary>
    public static Task<IEnumerable<ChildRow>> ChildrenAsync(DbSession db, int year, long orgUnitId, string indicator, string template)
    {
        const string sql = """
            SELECT o.code AS Code, o.name AS Name,
                   CASE WHEN EXISTS (SELECT 1 FROM org_units g WHERE g.tenant_id = o.tenant_id AND g.parent_id = o.org_unit_id)
                        THEN (SELECT r.value FROM rollup_values r WHERE r.tenant_id = o.tenant_id AND r.year = @year
                                AND r.org_unit_id = o.org_unit_id AND r.indicator = @indicator)
                        ELSE (SELECT v.value FROM counted_values v
                              WHERE v.tenant_id = o.tenant_id AND v.year = @year AND v.org_unit_id = o.org_unit_id
                                AND v.indicator = @indicator AND v.template = @template)
                   END AS Value
            FROM org_units o WHERE o.tenant_id = @tenantId AND o.parent_id = @orgUnitId
            ORDER BY o.code COLLATE "C"
            """;
        return db.QueryAsync<ChildRow>(sql, new { tenantId = db.Tenant, year, orgUnitId, indicator, template });
    }

    public static Task<decimal?> OwnValueAsync(DbSession db, int year, long orgUnitId, string indicator, string template)
    {
        const string sql = """
            SELECT v.value FROM counted_values v
            WHERE v.tenant_id = @tenantId AND v.year = @year AND v.org_unit_id = @orgUnitId AND v.indicator = @indicator
              AND v.template = @template
            """;
        return db.QuerySingleOrDefaultAsync<decimal?>(sql, new { tenantId = db.Tenant, year, orgUnitId, indicator, template });
    }

    public static Task<bool> HasOwnReportAsync(DbSession db, int year, long orgUnitId, string template) =>
        db.QuerySingleAsync<bool>("SELECT EXISTS (SELECT 1 FROM reports WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId AND counted_template = @template)",
            new { tenantId = db.Tenant, year, orgUnitId, template });
}
