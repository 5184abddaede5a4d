namespace Aggregator.Api.Features.Rollups.Get;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }
}

public sealed record Response(
    string OrgUnit, int Year, string Template, DateTime ComputedAt, bool Stale,
    CompletenessView Completeness, IReadOnlyDictionary<string, RollupValue> Values);

public sealed record CompletenessView(int Expected, int Reported, IReadOnlyList<string> Missing);

/// <summary>Σ over the subtree; reporters = units that gave a non-null value.</summary>
public sealed record RollupValue(decimal? Value, int Reporters);
