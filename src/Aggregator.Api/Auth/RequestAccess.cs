namespace Aggregator.Api.Auth;

/// <summary>
/// What <see cref="AccessCheck"/> established about a request before its handler runs: the caller and, on
/// routes under <see cref="TenantGroup"/>, the tenant it may act in. Read it in a handler with
/// <c>ProcessorState&lt;RequestAccess&gt;()</c>.
/// </summary>
public sealed class RequestAccess
{
    private Caller? _caller;
    private ResolvedTenant? _tenant;

    public Caller Caller => _caller ?? throw new InvalidOperationException("The access check has not run for this request.");

    /// <summary>The route's tenant; only on routes under /api/v1/tenants/{tenant}.</summary>
    public Guid TenantId => Tenant.TenantId;

    /// <summary>The route tenant's time zone, for its calendar (<see cref="Features.Shared.TenantCalendar"/>).</summary>
    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(Tenant.TimeZone);

    private ResolvedTenant Tenant => _tenant ?? throw new InvalidOperationException("This route has no {tenant}.");

    /// <summary>The org units the caller sees, for SQL filters (<see cref="OrgScope.SqlFilter"/>).</summary>
    public OrgScope Scope => OrgScope.Of(Caller, TenantId);

    public void Deconstruct(out Caller caller, out Guid tenantId)
    {
        caller = Caller;
        tenantId = TenantId;
    }

    internal void Grant(Caller caller, ResolvedTenant? tenant)
    {
        _caller = caller;
        _tenant = tenant;
    }
}
