using Aggregator.Api.Features.Rollups;
using Aggregator.Data;

namespace Aggregator.Api.Features.Series.Get;

internal static class Data
{
    public static Task<IEnumerable<Point>> RollupsAsync(DbSession db, long orgUnitId, string indicator, int? from, int? to)
    {
        const string sql = $"""
            SELECT s.year AS Year, s.template AS Template, r.value AS Value, coalesce(r.reporters, 0) AS Reporters,
                   s.computed_at AS ComputedAt, {FigureScope.StaleSql} AS Stale
            FROM rollup_state s
            LEFT JOIN rollup_values r ON r.tenant_id = s.tenant_id AND r.year = s.year AND r.org_unit_id = @orgUnitId AND r.indicator = @indicator
            WHERE s.tenant_id = @tenantId AND s.computed_at IS NOT NULL
              AND (@from::int IS NULL OR s.year >= @from) AND (@to::int IS NULL OR s.year <= @to)
              AND EXISTS (SELECT 1 FROM rollup_completeness c WHERE c.tenant_id = s.tenant_id AND c.year = s.year AND c.org_unit_id = @orgUnitId)
            ORDER BY s.year
            """;
        return db.QueryAsync<Point>(sql, new { tenantId = db.Tenant, orgUnitId, indicator, from, to });
    }

    public static Task<IEnumerable<Point>> ReportsAsync(DbSession db, long orgUnitId, string indicator, int? from, int? to)
    {
        const string sql = """
            SELECT p.year AS Year, p.counted_template AS Template, v.value AS Value, NULL::int AS Reporters, NULL::timestamptz AS ComputedAt, NULL::boolean AS Stale
            FROM reports p
            LEFT JOIN report_values v ON v.tenant_id = p.tenant_id AND v.year = p.year AND v.org_unit_id = p.org_unit_id AND v.indicator = @indicator
            WHERE p.tenant_id = @tenantId AND p.org_unit_id = @orgUnitId AND p.counted_version IS NOT NULL
              AND (@from::int IS NULL OR p.year >= @from) AND (@to::int IS NULL OR p.year <= @to)
            ORDER BY p.year
            """;
        return db.QueryAsync<Point>(sql, new { tenantId = db.Tenant, orgUnitId, indicator, from, to });
    }
}
