namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>The route of one unit's report for one year.</summary>
public class ReportRequest
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }
}
