using Aggregator.Api.Errors.Texts;
namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>
/// The years a report may be stored for: from the first disclosure year to the current year where the tenant
/// is. The current year's figures may be drafted while it runs; a year that has not begun has none.
/// </summary>
public static class ReportYears
{
    public const int First = 2008;

    /// <summary>
    /// The bound checked at the edge, before the tenant (and so its time zone) is known: no zone is more than
    /// 14 hours ahead of UTC, so no tenant is in a later year than this.
    /// </summary>
    public static int LatestAnywhere(TimeProvider clock) => clock.GetUtcNow().AddHours(14).Year;

    public static bool Accepts(int year, int currentYear) => year >= First && year <= currentYear;

    public static string Message(int currentYear) => ProblemText.YearBetween(First, currentYear);
}
