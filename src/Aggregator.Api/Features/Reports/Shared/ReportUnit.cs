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
        RequireOwn(caller, orgCode);
        if (!NeedsLook(caller)) return;
        await tenantDb.RunAsync(tenantId, db => FindAsync(db, caller, orgCode), ct);
    }

    /// <summary>
    /// Runs a write of a report (a version, a patch, an imported document) after the checks that need no database: a
    /// reporter's own unit (else 404) and a year that has begun where the tenant is (else 400 naming <c>year</c>). The
    /// unit itself is looked up once, by the write, inside its transaction (404 when the caller's scope does not reach it).
    /// A refusal of the body before that look (400, 422) is answered only once the unit is known to be in scope, so a key
    /// outside it learns nothing about its figures, not even whether they would pass: the failure path looks the unit up.
    /// </summary>
    public static async Task WriteAsync(TenantDb tenantDb, RequestAccess access, TenantCalendar calendar, string orgCode, int year,
        Func<Task> write, CancellationToken ct)
    {
        try
        {
            RequireOwn(access.Caller, orgCode);
            var currentYear = calendar.YearIn(access.TimeZone);
            if (!ReportYears.Accepts(year, currentYear)) throw ProblemException.Invalid("year", ReportYears.Message(currentYear));
            await write();
        }
        catch (Exception refusal) when (refusal is ProblemException { Status: not StatusCodes.Status404NotFound } or FastEndpoints.ValidationFailureException
                                        && NeedsLook(access.Caller))
        {
            await RequireAsync(tenantDb, access.TenantId, access.Caller, orgCode, ct);
            throw;
        }
    }

    private static void RequireOwn(Caller caller, string orgCode)
    {
        if (caller is { Role: KeyRoles.Reporter, OrgUnitCode: { } own } && own != orgCode) throw ProblemException.NotFound(ProblemText.OrgUnitNotFound(orgCode));
    }

    /// <summary>Keys of units between a reporter's own and the root: only a look tells whether their scope reaches a unit.</summary>
    private static bool NeedsLook(Caller caller) => caller is not { Role: KeyRoles.Reporter, OrgUnitCode: not null } && !RootUnit.IsAtRoot(caller);

    public static async Task<long> FindAsync(DbSession db, Caller caller, string orgCode)
    {
        const string sql = $"SELECT o.org_unit_id FROM org_units o WHERE o.code = @orgCode AND {OrgScope.SqlFilter}";
        var parameters = new DynamicParameters(OrgScope.Of(caller, db.Tenant));
        parameters.Add("orgCode", orgCode);
        return await db.QuerySingleOrDefaultAsync<long?>(sql, parameters)
               ?? throw ProblemException.NotFound(ProblemText.OrgUnitNotFound(orgCode));
    }
}
