using FastEndpoints;

namespace Aggregator.Api.Features.Comparisons.Get;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }
    /// <summary>The base year; default the year before.</summary>
    [QueryParam] public int? Base { get; init; }
}

public sealed record Response(
    string OrgUnit, int Year, int BaseYear, string Template, string BaseTemplate, DateTime ComputedAt, bool Stale,
    IReadOnlyDictionary<string, ComparisonView> Values, IReadOnlyList<string> NotComparable);

/// <summary>pctChange is in percent, one decimal; null when the base is 0 or missing.</summary>
public sealed record Figures(decimal? Value, decimal? BaseValue, decimal? Delta, decimal? PctChange);

/// <summary>The totals, and likeForLike: the same over only the units that reported the indicator in both years.</summary>
public sealed record ComparisonView(decimal? Value, decimal? BaseValue, decimal? Delta, decimal? PctChange, LikeForLike LikeForLike);

public sealed record LikeForLike(decimal? Value, decimal? BaseValue, decimal? Delta, decimal? PctChange, int Units);
