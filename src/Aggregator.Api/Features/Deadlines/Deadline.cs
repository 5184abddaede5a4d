using System.Globalization;
using Aggregator.Data;

namespace Aggregator.Api.Features.Deadlines;

/// <summary>
/// When a year's reports are due. The default is the legal deadline of the annual report: the end of 31 January
/// of the following year (23:59:59) in the tenant's time zone; a tenant-admin may set another. A report is on time
/// when it was first reported within the second <c>due</c> names or before (23:59:59.900 is on time, 00:00:00 the
/// next day is late).
/// </summary>
public sealed record DeadlineView(int Year, DateTimeOffset Due, bool IsDefault, string? SetBy, DateTime? SetAt)
{
    public static DateTimeOffset DefaultFor(int year, TimeZoneInfo zone)
    {
        var local = new DateTime(year + 1, 1, 31, 23, 59, 59, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>On time: reported no later than the whole second of <paramref name="due"/>.</summary>
    public static bool IsOnTime(DateTimeOffset reportedAt, DateTimeOffset due) =>
        reportedAt.UtcTicks - reportedAt.UtcTicks % TimeSpan.TicksPerSecond <= due.UtcTicks;

    public static async Task<DeadlineView> ReadAsync(DbSession db, int year, TimeZoneInfo zone)
    {
        var row = await db.QuerySingleOrDefaultAsync<Row>(
            "SELECT due AS Due, set_by AS SetBy, set_at AS SetAt FROM deadlines WHERE tenant_id = @tenantId AND year = @year",
            new { tenantId = db.Tenant, year });
        return row is null
            ? new DeadlineView(year, DefaultFor(year, zone), IsDefault: true, null, null)
            : new DeadlineView(year, TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(row.Due, DateTimeKind.Utc)), zone),
                IsDefault: false, row.SetBy, row.SetAt);
    }

    public static string Format(DateTimeOffset due) => due.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private sealed record Row(DateTime Due, string SetBy, DateTime SetAt);
}
