using Aggregator.Api.Errors;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Auth;

/// <summary>
/// Runs before every endpoint's handler: resolves the route's {tenant} for the caller (a key of another
/// tenant gets 404 before anything else, as if the tenant did not exist), then checks the roles the endpoint
/// declared with <see cref="EndpointAccess"/> (403). Scope below the tenant — which org units a key reaches —
/// is checked by the handler's own SQL, inside its transaction.
/// </summary>
public sealed class AccessCheck : GlobalPreProcessor<RequestAccess>
{
    public override async Task PreProcessAsync(IPreProcessorContext context, RequestAccess state, CancellationToken ct)
    {
        var http = context.HttpContext;
        var declared = http.GetEndpoint()?.Metadata.GetMetadata<EndpointAccess>()
                       ?? throw new InvalidOperationException($"{http.Request.Path}: the endpoint declares no access (AllowedFor in Configure).");
        var caller = Caller.Of(http);

        ResolvedTenant? tenant = null;
        if (http.Request.RouteValues.TryGetValue(TenantGroup.TenantRouteValue, out var route) && route is string tenantCode)
            tenant = await http.RequestServices.GetRequiredService<TenantScope>().ResolveAsync(caller, tenantCode, ct);

        if (caller.IsAdmin && !declared.PlatformAdmin)
            throw SeparationOfDuties.Refused(ProblemText.AdminNoReports());
        if (!declared.Allows(caller))
        {
            var roles = declared.Roles.Count == 0 ? "the platform admin" : string.Join(", ", declared.Roles);
            throw ProblemException.Forbidden(ProblemText.RoleMayNotTakes(caller.Role, roles));
        }
        state.Grant(caller, tenant);
    }
}
