namespace Aggregator.Api.Features.AnnualReports.Draft;

/// <summary>The route: <c>org-units/{org}/annual-report/{year}.docx</c>.</summary>
public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }
}
