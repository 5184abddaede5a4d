using Aggregator.Data;

namespace Aggregator.Api.Features.Rollups;

/// <summary>
/// The stored figures of a unit for a year: a year whose rollup is computed and includes the unit (the job wrote its
/// completeness), with the template it was computed on, when, and whether it is stale. The one definition every read
/// of stored figures (table, breakdown, series, the .xlsx/.csv downloads) starts from.
/// </summary>
public static class StoredFigures
{
    /// <summary>The columns of the stored figures s (add more after them).</summary>
    public const string Columns = $"s.year AS Year, s.template AS Template, s.computed_at AS ComputedAt, {FigureScope.StaleSql} AS Stale";

    /// <summary>The years, as s, whose stored figures include @orgUnitId of @tenantId (narrow with AND s.year …).</summary>
    public const string OfUnit = """
        FROM rollup_state s
        WHERE s.tenant_id = @tenantId AND s.computed_at IS NOT NULL
          AND EXISTS (SELECT 1 FROM rollup_completeness c WHERE c.tenant_id = s.tenant_id AND c.year = s.year AND c.org_unit_id = @orgUnitId)
        """;

    public sealed record Year(int Value, string Template, DateTime ComputedAt, bool Stale);

    /// <summary>The year's stored figures, when they include this unit.</summary>
    public static Task<Year?> FindAsync(DbSession db, int year, long orgUnitId) =>
        db.QuerySingleOrDefaultAsync<Year>($"""
            SELECT s.year AS Value, s.template AS Template, s.computed_at AS ComputedAt, {FigureScope.StaleSql} AS Stale
            {OfUnit} AND s.year = @year
            """, new { tenantId = db.Tenant, year, orgUnitId });
}
