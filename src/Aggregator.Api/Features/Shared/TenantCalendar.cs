namespace Aggregator.Api.Features.Shared;

/// <summary>
/// Which year it is where a tenant is: the injected clock read in the tenant's time zone (which the request's
/// access check already knows: <c>RequestAccess.TimeZone</c>).
/// </summary>
public sealed class TenantCalendar(TimeProvider clock)
{
    public int YearIn(TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).Year;
}
