using Aggregator.Data;

namespace Aggregator.Api.Features.Quality.Get;

internal static class Data
{
    /// <summary>A counted report of a unit at or below the one asked about; warnings only for the year itself.</summary>
    public sealed record ReportRow(int Year, string OrgUnit, string Name, string Template, string? Warnings);

    public sealed record ValueRow(int Year, string OrgUnit, string Indicator, decimal? Value);

    /// <summary>The reports that count, of the year and the year before, of the unit and every unit below it.</summary>
    public static Task<IEnumerable<ReportRow>> ReportsAsync(DbSession db, long orgUnitId, int year, int previousYear)
    {
        const string sql = """
            SELECT r.year AS Year, o.code AS OrgUnit, o.name AS Name, r.counted_template AS Template, v.warnings::text AS Warnings
            FROM org_units u
            JOIN org_units o ON o.tenant_id = u.tenant_id AND o.path <@ u.path
            JOIN reports r ON r.tenant_id = o.tenant_id AND r.org_unit_id = o.org_unit_id AND r.year IN (@year, @previousYear)
                          AND r.counted_version IS NOT NULL
            LEFT JOIN report_versions v ON v.tenant_id = r.tenant_id AND v.org_unit_id = r.org_unit_id AND v.year = r.year
                                       AND v.version = r.counted_version AND r.year = @year
            WHERE u.tenant_id = @tenantId AND u.org_unit_id = @orgUnitId
            """;
        return db.QueryAsync<ReportRow>(sql, new { tenantId = db.Tenant, orgUnitId, year, previousYear });
    }

    /// <summary>The counted values of the same reports, one row per indicator.</summary>
    public static Task<IEnumerable<ValueRow>> ValuesAsync(DbSession db, long orgUnitId, int year, int previousYear)
    {
        const string sql = """
            SELECT x.year AS Year, o.code AS OrgUnit, x.indicator AS Indicator, x.value AS Value
            FROM org_units u
            JOIN org_units o ON o.tenant_id = u.tenant_id AND o.path <@ u.path
            JOIN counted_values x ON x.tenant_id = o.tenant_id AND x.org_unit_id = o.org_unit_id AND x.year IN (@year, @previousYear)
            WHERE u.tenant_id = @tenantId AND u.org_unit_id = @orgUnitId
            """;
        return db.QueryAsync<ValueRow>(sql, new { tenantId = db.Tenant, orgUnitId, year, previousYear });
    }
}
