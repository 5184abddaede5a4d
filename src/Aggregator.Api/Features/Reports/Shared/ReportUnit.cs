using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Data;
using Dapper;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>The org unit of a report route, if the caller's scope reaches it; otherwise 404, as if it did not exist.</summary>
public static class ReportUnit
{
    /// <summary>
    /// Checks the route's org unit before any work on the body, in a short transaction of its own: a key
    /// outside the unit's scope learns nothing about its figures, not even whether they would pass.
    /// </summary>
    public static async Task RequireAsync(TenantDb tenantDb, Guid tenantId, Caller caller, string orgCode, CancellationToken ct)
    {
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        await FindAsync(db, caller, orgCode);
        await db.CommitAsync();
    }

    public static async Task<long> FindAsync(DbSession db, Caller caller, string orgCode)
    {
        const string sql = $"SELECT o.org_unit_id FROM org_units o WHERE o.code = @orgCode AND {OrgScope.SqlFilter}";
        var parameters = new DynamicParameters(OrgScope.Of(caller, db.Tenant));
        parameters.Add("orgCode", orgCode);
        return await db.QuerySingleOrDefaultAsync<long?>(sql, parameters)
               ?? throw ProblemException.NotFound($"Org unit '{orgCode}'");
    }
}
