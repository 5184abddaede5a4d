using System.Text.RegularExpressions;

namespace Aggregator.Api.Features.Shared;

/// <summary>The time zones a tenant may be in: IANA ids the server's zone database knows.</summary>
public static partial class TimeZones
{
    public const string Default = "Asia/Shanghai";

    /// <summary>The zone as a Chinese reader names it: 北京时间 for the default, the IANA id for any other.</summary>
    public static string ReaderName(TimeZoneInfo zone) => zone.Id == Default ? "北京时间" : zone.Id;

    public const string Message = "timeZone must be an IANA time zone id such as Asia/Shanghai.";

    /// <summary>An IANA id of a zone this server knows (Windows names are not stored: they would not travel).</summary>
    public static bool IsKnown(string? id) =>
        id is { Length: <= 64 } && IanaId().IsMatch(id)
        && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;

    // Area/Location[/Sublocation], or a bare name such as UTC: never a path that could leave the zone database.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")]
    private static partial Regex IanaId();
}
