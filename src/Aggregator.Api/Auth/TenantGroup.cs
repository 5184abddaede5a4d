using FastEndpoints;

namespace Aggregator.Api.Auth;

/// <summary>
/// The routes under <c>/api/v1/tenants/{tenant}</c>. <see cref="AccessCheck"/> resolves the route's tenant
/// for every endpoint of this group before its handler runs.
/// </summary>
public sealed class TenantGroup : Group
{
    public const string Prefix = "api/v1/tenants/{tenant}";
    public const string TenantRouteValue = "tenant";

    public TenantGroup() => Configure(Prefix, _ => { });
}
