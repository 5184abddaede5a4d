namespace Aggregator.Api.Features.Rollups.Export;

/// <summary>The route of both downloads: <c>rollups/{year}.xlsx</c> and <c>rollups/{year}.csv</c>.</summary>
public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }
}
