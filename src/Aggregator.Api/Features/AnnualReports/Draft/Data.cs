using Aggregator.Data;

namespace Aggregator.Api.Features.AnnualReports.Draft;

internal static class Data
{
    public sealed record CountedRow(int Year, string Template, string Indicator, decimal? Value);

    public sealed record BaseRow(string Indicator, decimal? BaseValue);

    /// <summary>The values that count of a unit's own report, for the year and the year before.</summary>
    public static Task<IEnumerable<CountedRow>> CountedAsync(DbSession db, long orgUnitId, int year) =>
        db.QueryAsync<CountedRow>("""
            SELECT year AS Year, template AS Template, indicator AS Indicator, value AS Value
            FROM counted_values WHERE tenant_id = @tenantId AND org_unit_id = @orgUnitId AND year IN (@year, @year - 1)
            """, new { tenantId = db.Tenant, orgUnitId, year });

    /// <summary>
    /// The previous year's consolidated figures as the rollup job stored the year's comparison with it (in the year's
    /// codes, across a template change only what the mapping declares comparable); nothing when it stored none.
    /// </summary>
    public static Task<IEnumerable<BaseRow>> ComparedAsync(DbSession db, long orgUnitId, int year) =>
        db.QueryAsync<BaseRow>("""
            SELECT indicator AS Indicator, base_value AS BaseValue
            FROM comparison_values WHERE tenant_id = @tenantId AND year = @year AND base_year = @year - 1 AND org_unit_id = @orgUnitId
            """, new { tenantId = db.Tenant, orgUnitId, year });
}
