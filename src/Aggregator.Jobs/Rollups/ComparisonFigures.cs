using Aggregator.Data;

namespace Aggregator.Jobs.Rollups;

/// <summary>One unit's comparison of one indicator (or mapping key), as stored by the job or computed on request.</summary>
public sealed record ComparisonRow(
    string Indicator, decimal? Value, decimal? BaseValue, decimal? Delta, decimal? PctChange,
    decimal? LflValue, decimal? LflBaseValue, decimal? LflDelta, decimal? LflPctChange, int LflUnits);

/// <summary>
/// The arithmetic of a comparison, in one place for the two ways it runs: the rollup job stores a year against the
/// year before for every unit with descendants (<see cref="Data.StoreComparisonAsync"/>), and a read asking for
/// any other base computes it for the one unit asked about (<see cref="ForUnitAsync"/>). Each mapping key is first
/// valued per unit (Σ of its codes; null when all are missing), then summed over a subtree; the like-for-like sums
/// keep only units with a value in both years.
/// </summary>
public static class ComparisonFigures
{
    /// <summary>The CTEs later_map … unit_pair over the counted values of the units <paramref name="unitFilter"/> keeps (on v).</summary>
    internal static string UnitPairs(string unitFilter) => $"""
        later_map AS (SELECT * FROM unnest(@LaterKeys::text[], @LaterCodes::text[]) AS m(key, code)),
        base_map AS (SELECT * FROM unnest(@BaseKeys::text[], @BaseCodes::text[]) AS m(key, code)),
        later_unit AS (
            SELECT v.org_unit_id, m.key, sum(v.value) AS value
            FROM counted_values v
            JOIN later_map m ON m.code = v.indicator
            WHERE v.tenant_id = @TenantId AND v.year = @Year AND v.template = @Template {unitFilter}
            GROUP BY v.org_unit_id, m.key
        ),
        base_unit AS (
            SELECT v.org_unit_id, m.key, sum(v.value) AS value
            FROM counted_values v
            JOIN base_map m ON m.code = v.indicator
            WHERE v.tenant_id = @TenantId AND v.year = @BaseYear AND v.template = @BaseTemplate {unitFilter}
            GROUP BY v.org_unit_id, m.key
        ),
        unit_pair AS (
            SELECT coalesce(l.org_unit_id, b.org_unit_id) AS org_unit_id, coalesce(l.key, b.key) AS key,
                   l.value, b.value AS base_value,
                   (l.value IS NOT NULL AND b.value IS NOT NULL) AS both_years
            FROM later_unit l FULL JOIN base_unit b ON b.org_unit_id = l.org_unit_id AND b.key = l.key
        )
        """;

    /// <summary>The sums over the unit_pair rows u of a group.</summary>
    internal const string Sums = """
        sum(u.value) AS value, sum(u.base_value) AS base_value,
        sum(u.value) FILTER (WHERE u.both_years) AS lfl_value,
        sum(u.base_value) FILTER (WHERE u.both_years) AS lfl_base_value,
        count(*) FILTER (WHERE u.both_years) AS lfl_units
        """;

    /// <summary>The figures of the sums t, in the order of <see cref="ComparisonRow"/> after its indicator.</summary>
    internal const string Figures = """
        t.value AS Value, t.base_value AS BaseValue, t.value - t.base_value AS Delta,
        CASE WHEN t.base_value <> 0 THEN round((t.value - t.base_value) * 100 / t.base_value, 1) END AS PctChange,
        t.lfl_value AS LflValue, t.lfl_base_value AS LflBaseValue, t.lfl_value - t.lfl_base_value AS LflDelta,
        CASE WHEN t.lfl_base_value <> 0 THEN round((t.lfl_value - t.lfl_base_value) * 100 / t.lfl_base_value, 1) END AS LflPctChange,
        t.lfl_units::int AS LflUnits
        """;

    private static readonly string ForUnitSql = $"""
        WITH subtree AS MATERIALIZED (
            SELECT o.org_unit_id
            FROM org_units top
            JOIN org_units o ON o.tenant_id = top.tenant_id AND o.path <@ top.path
            WHERE top.tenant_id = @TenantId AND top.org_unit_id = @OrgUnitId
        ),
        {UnitPairs("AND v.org_unit_id IN (SELECT s.org_unit_id FROM subtree s)")},
        totals AS (
            SELECT u.key, {Sums}
            FROM unit_pair u
            GROUP BY u.key
        )
        SELECT t.key AS Indicator, {Figures}
        FROM totals t
        """;

    /// <summary>
    /// The comparison of <paramref name="plan"/> for one unit and everything below it, from the counted values as
    /// they are now: the same figures the job would store for that unit.
    /// </summary>
    public static Task<IEnumerable<ComparisonRow>> ForUnitAsync(DbSession db, ComparisonPlan plan, long orgUnitId) =>
        db.QueryAsync<ComparisonRow>(ForUnitSql, new
        {
            plan.TenantId, plan.Year, plan.BaseYear, plan.Template, plan.BaseTemplate,
            plan.LaterKeys, plan.LaterCodes, plan.BaseKeys, plan.BaseCodes, OrgUnitId = orgUnitId,
        });
}
