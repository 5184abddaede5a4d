using Aggregator.Data;

namespace Aggregator.Api.Features.Rollups.Export;

internal static class Data
{
    public sealed record Header(int Year, string Template, DateTime ComputedAt, bool Stale, string Name, int Expected, int Reported);
    public sealed record RollupRow(string Indicator, decimal? Value, int Reporters);
    public sealed record UnitRow(long OrgUnitId, string Code, string Name);
    public sealed record UnitValueRow(long OrgUnitId, string Indicator, decimal? Value);

    public static Task<Header?> FindAsync(DbSession db, int year, long orgUnitId)
    {
        const string sql = $"""
            SELECT f.*, o.name AS Name, c.expected AS Expected, c.reported AS Reported
            FROM (SELECT {StoredFigures.Columns} {StoredFigures.OfUnit} AND s.year = @year) f
            JOIN rollup_completeness c ON c.tenant_id = @tenantId AND c.year = f.year AND c.org_unit_id = @orgUnitId
            JOIN org_units o ON o.tenant_id = @tenantId AND o.org_unit_id = @orgUnitId
            """;
        return db.QuerySingleOrDefaultAsync<Header>(sql, new { tenantId = db.Tenant, year, orgUnitId });
    }

    public static Task<IEnumerable<RollupRow>> RollupAsync(DbSession db, int year, long orgUnitId) =>
        db.QueryAsync<RollupRow>(
            "SELECT indicator AS Indicator, value AS Value, reporters AS Reporters FROM rollup_values WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId",
            new { tenantId = db.Tenant, year, orgUnitId });

    /// <summary>
    /// The units of the subtree expected to report, as the rollup's completeness counts them: units without units
    /// below them, units flagged as reporting their own figures, and any unit that has a report of the year.
    /// </summary>
    public static Task<IEnumerable<UnitRow>> ReportingUnitsAsync(DbSession db, int year, long orgUnitId)
    {
        const string sql = """
            SELECT o.org_unit_id AS OrgUnitId, o.code AS Code, o.name AS Name
            FROM org_units a
            JOIN org_units o ON o.tenant_id = a.tenant_id AND o.path <@ a.path
            WHERE a.tenant_id = @tenantId AND a.org_unit_id = @orgUnitId
              AND (o.reports
                   OR NOT EXISTS (SELECT 1 FROM org_units c WHERE c.tenant_id = o.tenant_id AND c.parent_id = o.org_unit_id)
                   OR EXISTS (SELECT 1 FROM reports r WHERE r.tenant_id = o.tenant_id AND r.org_unit_id = o.org_unit_id AND r.year = @year))
            ORDER BY o.code COLLATE "C"
            """;
        return db.QueryAsync<UnitRow>(sql, new { tenantId = db.Tenant, year, orgUnitId });
    }

    /// <summary>The values that count of every report of the subtree made on the rollup's template.</summary>
    public static Task<IEnumerable<UnitValueRow>> UnitValuesAsync(DbSession db, int year, long orgUnitId, string template)
    {
        const string sql = """
            SELECT v.org_unit_id AS OrgUnitId, v.indicator AS Indicator, v.value AS Value
            FROM org_units a
            JOIN org_units o ON o.tenant_id = a.tenant_id AND o.path <@ a.path
            JOIN counted_values v ON v.tenant_id = o.tenant_id AND v.org_unit_id = o.org_unit_id AND v.year = @year AND v.template = @template
            WHERE a.tenant_id = @tenantId AND a.org_unit_id = @orgUnitId
            """;
        return db.QueryAsync<UnitValueRow>(sql, new { tenantId = db.Tenant, year, orgUnitId, template });
    }
}
