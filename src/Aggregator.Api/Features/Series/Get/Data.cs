using Aggregator.Api.Features.Rollups;
using Aggregator.Data;

namespace Aggregator.Api.Features.Series.Get;

internal static class Data
{
    public sealed record YearRow(int Year, string Template, DateTime? ComputedAt, bool? Stale, int? ExpectedUnits, int? CountedUnits);
    public sealed record ValueRow(int Year, string Indicator, decimal? Value, int? Reporters);

    /// <summary>The years with stored figures that include this unit, with the units each year's figures count.</summary>
    public static Task<IEnumerable<YearRow>> RollupYearsAsync(DbSession db, long orgUnitId, int? from, int? to)
    {
        const string sql = $"""
            SELECT {StoredFigures.Columns}, c.expected AS ExpectedUnits, c.reported AS CountedUnits
            FROM rollup_state s
            JOIN rollup_completeness c ON c.tenant_id = s.tenant_id AND c.year = s.year AND c.org_unit_id = @orgUnitId
            WHERE s.tenant_id = @tenantId AND s.computed_at IS NOT NULL
              AND (@from::int IS NULL OR s.year >= @from) AND (@to::int IS NULL OR s.year <= @to)
            ORDER BY s.year
            """;
        return db.QueryAsync<YearRow>(sql, new { tenantId = db.Tenant, orgUnitId, from, to });
    }

    public static Task<IEnumerable<ValueRow>> RollupValuesAsync(DbSession db, long orgUnitId, string[] indicators, int? from, int? to)
    {
        const string sql = """
            SELECT r.year AS Year, r.indicator AS Indicator, r.value AS Value, r.reporters AS Reporters
            FROM rollup_values r
            WHERE r.tenant_id = @tenantId AND r.org_unit_id = @orgUnitId AND r.indicator = ANY (@indicators)
              AND (@from::int IS NULL OR r.year >= @from) AND (@to::int IS NULL OR r.year <= @to)
            """;
        return db.QueryAsync<ValueRow>(sql, new { tenantId = db.Tenant, orgUnitId, indicators, from, to });
    }

    /// <summary>The years this unit has a counted report for.</summary>
    public static Task<IEnumerable<YearRow>> ReportYearsAsync(DbSession db, long orgUnitId, int? from, int? to)
    {
        const string sql = """
            SELECT p.year AS Year, p.counted_template AS Template, NULL::timestamptz AS ComputedAt, NULL::boolean AS Stale,
                   NULL::int AS ExpectedUnits, NULL::int AS CountedUnits
            FROM reports p
            WHERE p.tenant_id = @tenantId AND p.org_unit_id = @orgUnitId AND p.counted_version IS NOT NULL
              AND (@from::int IS NULL OR p.year >= @from) AND (@to::int IS NULL OR p.year <= @to)
            ORDER BY p.year
            """;
        return db.QueryAsync<YearRow>(sql, new { tenantId = db.Tenant, orgUnitId, from, to });
    }

    public static Task<IEnumerable<ValueRow>> ReportValuesAsync(DbSession db, long orgUnitId, string[] indicators, int? from, int? to)
    {
        const string sql = """
            SELECT v.year AS Year, v.indicator AS Indicator, v.value AS Value, NULL::int AS Reporters
            FROM counted_values v
            WHERE v.tenant_id = @tenantId AND v.org_unit_id = @orgUnitId AND v.indicator = ANY (@indicators)
              AND (@from::int IS NULL OR v.year >= @from) AND (@to::int IS NULL OR v.year <= @to)
            """;
        return db.QueryAsync<ValueRow>(sql, new { tenantId = db.Tenant, orgUnitId, indicators, from, to });
    }
}
