using System.Security.Claims;

namespace Aggregator.Api.Auth;

public static class KeyRoles
{
    public const string Admin = "admin";
    public const string TenantAdmin = "tenant-admin";
    public const string Reporter = "reporter";
    public const string Reviewer = "reviewer";
    public const string Viewer = "viewer";

    /// <summary>Roles a tenant's keys can hold; admin is the platform's and comes from configuration.</summary>
    public static readonly string[] TenantRoles = [TenantAdmin, Reporter, Reviewer, Viewer];
}

/// <summary>Who is calling: the authenticated API key, its tenant (and the tenant's time zone), org unit and role.</summary>
public sealed record Caller(string KeyId, string Role, Guid? TenantId, string? TenantCode, long? OrgUnitId, string? OrgUnitPath,
    string? TenantTimeZone = null, string? OrgUnitCode = null)
{
    private const string KeyIdClaim = "key_id";
    private const string TenantIdClaim = "tenant_id";
    private const string TenantCodeClaim = "tenant_code";
    private const string OrgUnitIdClaim = "org_unit_id";
    private const string OrgUnitPathClaim = "org_unit_path";
    private const string TenantTimeZoneClaim = "tenant_time_zone";
    private const string OrgUnitCodeClaim = "org_unit_code";

    public bool IsAdmin => Role == KeyRoles.Admin;

    /// <summary>The audit log's actor: the key id, never the key.</summary>
    public string Actor => IsAdmin ? "admin" : $"key:{KeyId}";

    public static Caller Admin { get; } = new("admin", KeyRoles.Admin, null, null, null, null);

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim> { new(KeyIdClaim, KeyId), new(ClaimTypes.Role, Role) };
        if (TenantId is { } tenant) claims.Add(new(TenantIdClaim, tenant.ToString()));
        if (TenantCode is not null) claims.Add(new(TenantCodeClaim, TenantCode));
        if (OrgUnitId is { } org) claims.Add(new(OrgUnitIdClaim, org.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (OrgUnitPath is not null) claims.Add(new(OrgUnitPathClaim, OrgUnitPath));
        if (TenantTimeZone is not null) claims.Add(new(TenantTimeZoneClaim, TenantTimeZone));
        if (OrgUnitCode is not null) claims.Add(new(OrgUnitCodeClaim, OrgUnitCode));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, KeyIdClaim, ClaimTypes.Role));
    }

    /// <summary>
    /// The request's caller as authentication built it, once per request (<see cref="ApiKeyAuthenticationHandler"/> keeps
    /// it on the request's features); rebuilt from the claims only where another scheme authenticated the request.
    /// </summary>
    public static Caller Of(Microsoft.AspNetCore.Http.HttpContext context) => context.Features.Get<Caller>() ?? From(context.User);

    public static Caller From(ClaimsPrincipal user)
    {
        string? Find(string type) => user.FindFirst(type)?.Value;
        return new Caller(
            Find(KeyIdClaim) ?? throw new InvalidOperationException("The request is not authenticated."),
            Find(ClaimTypes.Role)!,
            Find(TenantIdClaim) is { } t ? Guid.Parse(t) : null,
            Find(TenantCodeClaim),
            Find(OrgUnitIdClaim) is { } o ? long.Parse(o, System.Globalization.CultureInfo.InvariantCulture) : null,
            Find(OrgUnitPathClaim),
            Find(TenantTimeZoneClaim),
            Find(OrgUnitCodeClaim));
    }
}
