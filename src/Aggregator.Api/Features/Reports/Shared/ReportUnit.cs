using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Shared;
using Aggregator.Data;
using Dapper;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>The org unit of a report route, if the caller's scope reaches it; otherwise 404, as if it did not exist.</summary>
public static class ReportUnit
{
    /// <summary>
    /// Checks the route's org unit before any work on the body, in a short transaction of its own: a key
    /// outside the unit's scope learns nothing about its figures, not even whether they would pass.
    /// </summary>
    /// <remarks>
    /// Without a transaction where the key alone decides: a reporter's scope is its own unit (its code came with the
    /// key), and a root key's scope is the whole tenant, where a unit that does not exist is answered 404 by the write
    /// itself — a body checked first tells such a key nothing it may not know. Only keys of units in between need a look.
    /// </remarks>
    public static async Task RequireAsync(TenantDb tenantDb, Guid tenantId, Caller caller, string orgCode, CancellationToken ct)
    {
        if (caller is { Role: KeyRoles.Reporter, OrgUnitCode: { } own })
        {
            if (own == orgCode) return;
            throw ProblemException.NotFound(ProblemText.OrgUnitNotFound(orgCode));
        }
        if (RootUnit.IsAtRoot(caller)) return;

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        await FindAsync(db, caller, orgCode);
        await db.CommitAsync();
    }

    /// <summary>
    /// What every write of a report (a version, a patch, an imported document) checks first: the route's unit is in the
    /// caller's scope (else 404) and the year has begun where the tenant is (else 400 naming <c>year</c>).
    /// </summary>
    public static async Task RequireWritableAsync(TenantDb tenantDb, RequestAccess access, TenantCalendar calendar, string orgCode,
        int year, CancellationToken ct)
    {
        await RequireAsync(tenantDb, access.TenantId, access.Caller, orgCode, ct);
        var currentYear = calendar.YearIn(access.TimeZone);
        if (!ReportYears.Accepts(year, currentYear)) throw ProblemException.Invalid("year", ReportYears.Message(currentYear));
    }

    public static async Task<long> FindAsync(DbSession db, Caller caller, string orgCode)
    {
        const string sql = $"SELECT o.org_unit_id FROM org_units o WHERE o.code = @orgCode AND {OrgScope.SqlFilter}";
        var parameters = new DynamicParameters(OrgScope.Of(caller, db.Tenant));
        parameters.Add("orgCode", orgCode);
        return await db.QuerySingleOrDefaultAsync<long?>(sql, parameters)
               ?? throw ProblemException.NotFound(ProblemText.OrgUnitNotFound(orgCode));
    }
}
