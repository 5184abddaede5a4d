using Aggregator.Api.Features.Rollups;
using Aggregator.Data;
using Aggregator.Jobs.Rollups;

namespace Aggregator.Api.Features.Comparisons.Get;

internal static class Data
{
    // A class, not a positional record: Dapper cannot bind a text[] column to a constructor parameter.
    public sealed class Header
    {
        public string Template { get; init; } = "";
        public string BaseTemplate { get; init; } = "";
        public string[] NotComparable { get; init; } = [];
        public DateTime ComputedAt { get; init; }
        public bool Stale { get; init; }
    }

    /// <summary>A year's stored rollup, as a comparison computed on request needs it: its template, when, how stale, and its generation.</summary>
    public sealed record YearFigures(int Year, string Template, DateTime ComputedAt, bool Stale, long Generation);

    public static Task<Header?> FindAsync(DbSession db, int year, int baseYear)
    {
        const string sql = """
            SELECT c.template AS Template, c.base_template AS BaseTemplate, c.not_comparable AS NotComparable,
                   c.computed_at AS ComputedAt,
                   EXISTS (SELECT 1 FROM report_versions v WHERE v.tenant_id = c.tenant_id AND v.year IN (c.year, c.base_year) AND v.seq > c.watermark)
                   OR EXISTS (SELECT 1 FROM figure_changes f WHERE f.tenant_id = c.tenant_id AND f.year IN (c.year, c.base_year)
                              AND f.kind <> 'deadline') AS Stale
            FROM comparison_state c WHERE c.tenant_id = @tenantId AND c.year = @year AND c.base_year = @baseYear
            """;
        return db.QuerySingleOrDefaultAsync<Header>(sql, new { tenantId = db.Tenant, year, baseYear });
    }

    public static Task<IEnumerable<ComparisonRow>> ValuesAsync(DbSession db, int year, int baseYear, long orgUnitId)
    {
        const string sql = """
            SELECT indicator AS Indicator, value AS Value, base_value AS BaseValue, delta AS Delta, pct_change AS PctChange,
                   lfl_value AS LflValue, lfl_base_value AS LflBaseValue, lfl_delta AS LflDelta, lfl_pct_change AS LflPctChange,
                   lfl_units AS LflUnits
            FROM comparison_values WHERE tenant_id = @tenantId AND year = @year AND base_year = @baseYear AND org_unit_id = @orgUnitId
            """;
        return db.QueryAsync<ComparisonRow>(sql, new { tenantId = db.Tenant, year, baseYear, orgUnitId });
    }

    /// <summary>
    /// The stored rollups of the two years (those computed), read before any figure is: a comparison computed from
    /// the counted values afterwards is at least as new as the generation it is cached under.
    /// </summary>
    public static async Task<IReadOnlyList<YearFigures>> YearsComputedAsync(DbSession db, int year, int baseYear) =>
        (await db.QueryAsync<YearFigures>($"""
            SELECT s.year AS Year, s.template AS Template, s.computed_at AS ComputedAt, {FigureScope.StaleSql} AS Stale,
                   -- Changes with every committed change of the year's figures: the job's stored generation, or a pending one (0013).
                   coalesce(greatest(s.figures_generation,
                            (SELECT max(f.generation) FROM figure_changes f WHERE f.tenant_id = s.tenant_id AND f.year = s.year)), 0) AS Generation
            FROM rollup_state s
            WHERE s.tenant_id = @tenantId AND s.year IN (@year, @baseYear) AND s.computed_at IS NOT NULL AND s.template IS NOT NULL
            """, new { tenantId = db.Tenant, year, baseYear })).ToList();

    public static Task<bool> UnitHasFiguresAsync(DbSession db, int year, long orgUnitId) =>
        db.QuerySingleAsync<bool>("SELECT EXISTS (SELECT 1 FROM rollup_completeness WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId)",
            new { tenantId = db.Tenant, year, orgUnitId });

    /// <summary>Whether both years' figures have been computed: then a missing comparison means a year without reports.</summary>
    public static Task<bool> BothComputedAsync(DbSession db, int year, int baseYear) =>
        db.QuerySingleAsync<bool>($"""
            SELECT count(*) = 2 FROM rollup_state s
            WHERE s.tenant_id = @tenantId AND s.year IN (@year, @baseYear) AND s.computed_at IS NOT NULL AND NOT {FigureScope.StaleSql}
            """, new { tenantId = db.Tenant, year, baseYear });

    /// <summary>The years among the two that no unit has reported: there is nothing to compare, now or later.</summary>
    public static async Task<IReadOnlyList<int>> YearsWithoutReportsAsync(DbSession db, int year, int baseYear) =>
        (await db.QueryAsync<int>("""
            SELECT y FROM unnest(ARRAY[@year, @baseYear]) AS y
            WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.tenant_id = @tenantId AND r.year = y)
            ORDER BY y
            """, new { tenantId = db.Tenant, year, baseYear })).ToList();
}
