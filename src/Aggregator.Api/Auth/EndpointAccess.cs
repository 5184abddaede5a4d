namespace Aggregator.Api.Auth;

/// <summary>
/// Endpoint metadata: the key roles that may call an endpoint, and whether the platform admin may (it may, except
/// where <paramref name="PlatformAdmin"/> is false: it manages tenants and their first keys, and does not write,
/// import or review reports). Declared once in each endpoint's <c>Configure()</c> with
/// <see cref="EndpointAccessExtensions.AllowedFor"/> or <see cref="EndpointAccessExtensions.AllowedForTenantRolesOnly"/>;
/// an endpoint without it answers 500 (fail closed) and fails the access matrix test.
/// </summary>
public sealed record EndpointAccess(IReadOnlyList<string> Roles, bool PlatformAdmin = true)
{
    public bool Allows(Caller caller) => caller.IsAdmin ? PlatformAdmin : Roles.Contains(caller.Role);

    /// <summary>Every role of a tenant may call it: the endpoint never answers 403.</summary>
    public bool OpenToEveryRole => KeyRoles.TenantRoles.All(Roles.Contains);
}

public static class EndpointAccessExtensions
{
    /// <summary>Only these roles (and the platform admin) may call the endpoint; any other key gets 403.</summary>
    public static RouteHandlerBuilder AllowedFor(this RouteHandlerBuilder builder, params string[] roles) =>
        builder.WithMetadata(new EndpointAccess(roles));

    /// <summary>
    /// Only these roles of a tenant; not the platform admin either (403, <c>/problems/separation-of-duties</c>): what a
    /// unit reports and what its reviewers accept are the tenant's own acts, never the operator's.
    /// </summary>
    public static RouteHandlerBuilder AllowedForTenantRolesOnly(this RouteHandlerBuilder builder, params string[] roles) =>
        builder.WithMetadata(new EndpointAccess(roles, PlatformAdmin: false));

    /// <summary>Any valid key may call the endpoint (what it sees is still limited to its tenant and unit).</summary>
    public static RouteHandlerBuilder AllowedForAnyKey(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new EndpointAccess(KeyRoles.TenantRoles));

    /// <summary>The platform admin only.</summary>
    public static RouteHandlerBuilder AllowedForAdmin(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new EndpointAccess([]));
}
