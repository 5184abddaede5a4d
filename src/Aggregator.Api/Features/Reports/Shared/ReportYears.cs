namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>The years a report may be stored for: from the first disclosure year to next year (reports are drafted ahead).</summary>
public static class ReportYears
{
    public const int First = 2008;

    public static int Last => DateTime.UtcNow.Year + 1;

    public static bool Accepts(int year) => year >= First && year <= Last;

    public static string Message => $"year must be between {First} and {Last}.";
}
