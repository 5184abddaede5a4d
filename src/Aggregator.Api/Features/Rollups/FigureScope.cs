using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Data;
using Dapper;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Rollups;

/// <summary>
/// Who may read consolidated figures of a unit (rollups, breakdowns, comparisons, series): viewers and
/// reviewers at or above it. Figures of a unit with units below it name those units and their values, so a
/// reporter — who sees its own unit's report and nothing of other units — gets 403. A unit outside the
/// caller's scope is answered 404, as if it did not exist.
/// </summary>
public static class FigureScope
{
    public static readonly string[] ReadRoles = [KeyRoles.Viewer, KeyRoles.Reviewer];

    public sealed record Unit(long OrgUnitId, string Code, string Name, bool HasChildren);

    /// <summary>The unit @orgCode as the caller may see it (parameters: <see cref="UnitParameters"/>): no row outside its scope.</summary>
    public const string UnitSql = $"""
        SELECT o.org_unit_id AS OrgUnitId, o.code AS Code, o.name AS Name,
               EXISTS (SELECT 1 FROM org_units c WHERE c.tenant_id = o.tenant_id AND c.parent_id = o.org_unit_id) AS HasChildren
        FROM org_units o WHERE o.code = @orgCode AND {OrgScope.SqlFilter}
        """;

    public static DynamicParameters UnitParameters(Caller caller, Guid tenantId, string orgCode)
    {
        var parameters = new DynamicParameters(OrgScope.Of(caller, tenantId));
        parameters.Add("orgCode", orgCode);
        return parameters;
    }

    public static async Task<Unit> FindUnitAsync(DbSession db, Caller caller, string orgCode) =>
        await db.QuerySingleOrDefaultAsync<Unit>(UnitSql, UnitParameters(caller, db.Tenant, orgCode)) ?? throw UnitNotFound(orgCode);

    public static ProblemException UnitNotFound(string orgCode) => ProblemException.NotFound(ProblemText.OrgUnitNotFound(orgCode));

    /// <summary>
    /// The 404 for figures that are not stored: <c>being-computed</c> when the year has something to compute from
    /// (a report, or figures already asked for), <c>no-reports</c> when no unit of the tenant reported the year —
    /// "try again shortly" would then be a promise nobody keeps.
    /// </summary>
    public static async Task<ProblemException> NotStoredAsync(DbSession db, int year, string what)
    {
        const string sql = """
            SELECT EXISTS (SELECT 1 FROM rollup_state WHERE tenant_id = @tenantId AND year = @year)
                OR EXISTS (SELECT 1 FROM reports WHERE tenant_id = @tenantId AND year = @year)
            """;
        return await db.QuerySingleAsync<bool>(sql, new { tenantId = db.Tenant, year })
            ? BeingComputed(what)
            : new ProblemException(StatusCodes.Status404NotFound, ProblemText.NothingToCompute(what, year),
                new Dictionary<string, object?> { [NotFoundReasons.Member] = NotFoundReasons.NoReports });
    }

    /// <summary>404 for figures not computed yet: the answer says they are on their way.</summary>
    public static ProblemException BeingComputed(string what) =>
        new(StatusCodes.Status404NotFound, ProblemText.BeingComputed(what),
            new Dictionary<string, object?> { [NotFoundReasons.Member] = NotFoundReasons.BeingComputed });

    /// <summary>
    /// Stale while changes exist that the figures do not include: a change the job has not consumed yet
    /// (figure_changes), or (for writers that bypass the trigger) a version seq above the watermark.
    /// </summary>
    public const string StaleSql = """
        (EXISTS (SELECT 1 FROM figure_changes f WHERE f.tenant_id = s.tenant_id AND f.year = s.year AND f.kind <> 'deadline')
         OR EXISTS (SELECT 1 FROM report_versions v WHERE v.tenant_id = s.tenant_id AND v.year = s.year AND v.seq > coalesce(s.watermark, 0)))
        """;
}
