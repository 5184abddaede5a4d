using Aggregator.Data;

namespace Aggregator.Api.Features.Shared;

/// <summary>Which year it is where a tenant is: the injected clock read in the tenant's time zone.</summary>
public sealed class TenantCalendar(TenantDb tenantDb, TimeProvider clock)
{
    public async Task<int> CurrentYearAsync(Guid tenantId, CancellationToken ct)
    {
        const string sql = "SELECT time_zone FROM tenants WHERE tenant_id = @tenantId";
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var zone = await db.QuerySingleAsync<string>(sql, new { tenantId });
        await db.CommitAsync();
        return YearIn(TimeZoneInfo.FindSystemTimeZoneById(zone));
    }

    public int YearIn(TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).Year;
}
