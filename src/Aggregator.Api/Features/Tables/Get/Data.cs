using Aggregator.Api.Features.Rollups;
using Aggregator.Data;

namespace Aggregator.Api.Features.Tables.Get;

internal static class Data
{
    public sealed record UnitRow(long OrgUnitId, long? ParentId, string Code, string Name, bool HasChildren);
    public sealed record ValueRow(long OrgUnitId, string Indicator, decimal? Value);

    /// <summary>Every unit below this one (not itself), with its parent, for the rows and their tree order.</summary>
    public static Task<IEnumerable<UnitRow>> SubtreeAsync(DbSession db, long orgUnitId)
    {
        const string sql = """
            SELECT o.org_unit_id AS OrgUnitId, o.parent_id AS ParentId, o.code AS Code, o.name AS Name,
                   EXISTS (SELECT 1 FROM org_units c WHERE c.tenant_id = o.tenant_id AND c.parent_id = o.org_unit_id) AS HasChildren
            FROM org_units o
            JOIN org_units top ON top.tenant_id = o.tenant_id AND top.org_unit_id = @orgUnitId
            WHERE o.tenant_id = @tenantId AND o.path <@ top.path AND o.org_unit_id <> @orgUnitId
            """;
        return db.QueryAsync<UnitRow>(sql, new { tenantId = db.Tenant, orgUnitId });
    }

    /// <summary>
    /// The figures of the rows' units: the stored rollup of a unit with units below it, the counted report of one
    /// without (on the year's template); and the stored rollup of the unit asked about, for the total.
    /// </summary>
    public static Task<IEnumerable<ValueRow>> ValuesAsync(DbSession db, int year, string template, long[] rollupUnits, long[] reportUnits, string[] indicators)
    {
        const string sql = """
            SELECT r.org_unit_id AS OrgUnitId, r.indicator AS Indicator, r.value AS Value
            FROM rollup_values r
            WHERE r.tenant_id = @tenantId AND r.year = @year AND r.org_unit_id = ANY (@rollupUnits) AND r.indicator = ANY (@indicators)
            UNION ALL
            SELECT v.org_unit_id, v.indicator, v.value
            FROM counted_values v
            WHERE v.tenant_id = @tenantId AND v.year = @year AND v.template = @template
              AND v.org_unit_id = ANY (@reportUnits) AND v.indicator = ANY (@indicators)
            """;
        return db.QueryAsync<ValueRow>(sql, new { tenantId = db.Tenant, year, template, rollupUnits, reportUnits, indicators });
    }
}
