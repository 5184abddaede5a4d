using Aggregator.Api.Errors;
using Aggregator.Data;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Auth;

/// <summary>A tenant as a request acts in it: its id and the time zone its calendar (which year it is) follows.</summary>
public sealed record ResolvedTenant(Guid TenantId, string TimeZone);

/// <summary>
/// Resolves the {tenant} of a route for a caller. A key of another tenant learns nothing: 404, as if the
/// tenant did not exist. A tenant's key carries its tenant from authentication, so only the platform admin's
/// requests look the tenant up.
/// </summary>
public sealed class TenantScope(TenantDb tenantDb)
{
    public async Task<ResolvedTenant> ResolveAsync(Caller caller, string tenantCode, CancellationToken ct)
    {
        if (!caller.IsAdmin)
        {
            return caller.TenantCode == tenantCode && caller.TenantId is { } own && caller.TenantTimeZone is { } zone
                ? new ResolvedTenant(own, zone)
                : throw ProblemException.NotFound(ProblemText.TenantNotFound(tenantCode));
        }

        const string sql = "SELECT tenant_id AS TenantId, time_zone AS TimeZone FROM tenants WHERE code = @tenantCode";
        await using var db = await tenantDb.BeginPlatformAsync(ct);
        var tenant = await db.QuerySingleOrDefaultAsync<ResolvedTenant>(sql, new { tenantCode });
        await db.CommitAsync();
        return tenant ?? throw ProblemException.NotFound(ProblemText.TenantNotFound(tenantCode));
    }
}

/// <summary>
/// Which org units a caller sees within a tenant: admins everything; tenant-admins, reviewers and viewers
/// their unit and everything below it; reporters their own unit only. Use in SQL over <c>org_units o</c> as
/// <see cref="SqlFilter"/>, which also names the tenant explicitly (row-level security is the second wall).
/// </summary>
public sealed record OrgScope(Guid TenantId, string? ScopePath, long? ScopeUnit)
{
    public const string SqlFilter =
        "o.tenant_id = @TenantId AND (@ScopePath::ltree IS NULL OR o.path <@ @ScopePath::ltree) AND (@ScopeUnit::bigint IS NULL OR o.org_unit_id = @ScopeUnit)";

    public static OrgScope Of(Caller caller, Guid tenantId) => caller switch
    {
        { IsAdmin: true } => new OrgScope(tenantId, null, null),
        { Role: KeyRoles.Reporter } => new OrgScope(tenantId, null, caller.OrgUnitId),
        _ => new OrgScope(tenantId, caller.OrgUnitPath, null),
    };
}
