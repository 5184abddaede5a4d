using Aggregator.Api.Auth;
using Aggregator.Data;
using Dapper;

namespace Aggregator.Api.Features.Rollups.Get;

internal static class Data
{
    /// <summary>
    /// The unit as the caller may see it, and what the year's stored figures are (null columns while none are
    /// stored, or while they include nothing of this unit, which is newer than them): everything a cached answer
    /// is checked against, in one statement.
    /// </summary>
    public sealed record Target(long OrgUnitId, string Code, bool HasChildren, long? Runs, DateTime? ComputedAt, string? Template, bool Stale)
    {
        public StoredFigures? Stored =>
            ComputedAt is { } computedAt && Template is { } template ? new(computedAt, template, Stale) : null;
    }

    /// <summary>What the answer says about the stored figures it is made of.</summary>
    public sealed record StoredFigures(DateTime ComputedAt, string Template, bool Stale);

    // A class, not a positional record: Dapper cannot bind a text[] column to a constructor parameter.
    public sealed class Completeness
    {
        public int Expected { get; init; }
        public int Reported { get; init; }
        public string[] Missing { get; init; } = [];
        public string[] AwaitingReview { get; init; } = [];
    }
    public sealed record ValueRow(string Indicator, decimal? Value, int Reporters);

    /// <summary>
    /// The scope check and the generation read as one statement: a unit outside the caller's subtree gives no row;
    /// the rollup_state columns are those of the row the same snapshot sees.
    /// </summary>
    public static Task<Target?> FindAsync(DbSession db, Caller caller, string orgCode, int year) =>
        db.QuerySingleOrDefaultAsync<Target>(FindSql, FindParameters(caller, db.Tenant, orgCode, year));

    private const string FindSql = $"""
        SELECT o.org_unit_id AS OrgUnitId, o.code AS Code,
               EXISTS (SELECT 1 FROM org_units c WHERE c.tenant_id = o.tenant_id AND c.parent_id = o.org_unit_id) AS HasChildren,
               s.runs AS Runs, s.computed_at AS ComputedAt, s.template AS Template,
               coalesce({FigureScope.StaleSql}, false) AS Stale
        FROM org_units o
        LEFT JOIN rollup_state s ON s.tenant_id = @TenantId AND s.year = @year AND s.computed_at IS NOT NULL
            AND EXISTS (SELECT 1 FROM rollup_completeness c WHERE c.tenant_id = @TenantId AND c.year = @year AND c.org_unit_id = o.org_unit_id)
        WHERE o.code = @orgCode AND {OrgScope.SqlFilter}
        """;

    private static DynamicParameters FindParameters(Caller caller, Guid tenantId, string orgCode, int year)
    {
        var parameters = new DynamicParameters(OrgScope.Of(caller, tenantId));
        parameters.Add("orgCode", orgCode);
        parameters.Add("year", year);
        return parameters;
    }

    public static Task<Completeness?> CompletenessAsync(DbSession db, int year, long orgUnitId) =>
        db.QuerySingleOrDefaultAsync<Completeness>(
            """
            SELECT expected AS Expected, reported AS Reported, missing AS Missing, awaiting_review AS AwaitingReview
            FROM rollup_completeness WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId
            """,
            new { tenantId = db.Tenant, year, orgUnitId });

    public static Task<IEnumerable<ValueRow>> ValuesAsync(DbSession db, int year, long orgUnitId) =>
        db.QueryAsync<ValueRow>(
            "SELECT indicator AS Indicator, value AS Value, reporters AS Reporters FROM rollup_values WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId",
            new { tenantId = db.Tenant, year, orgUnitId });
}
