using Aggregator.Api.OpenApi;
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
    string OrgUnit, int Year, int BaseYear, [property: Vocabulary(Vocabularies.Templates)] string Template, [property: Vocabulary(Vocabularies.Templates)] string BaseTemplate, DateTime ComputedAt, bool Stale,
    IReadOnlyDictionary<string, ComparisonView> Values, IReadOnlyList<string> NotComparable);

/// <summary>pctChange is in percent, one decimal; null when the base is 0 or missing.</summary>
public sealed record Figures(decimal? Value, decimal? BaseValue, decimal? Delta, decimal? PctChange);

/// <summary>The totals, and likeForLike: the same over only the units that reported the indicator in both years.</summary>
public sealed record ComparisonView(decimal? Value, decimal? BaseValue, decimal? Delta, decimal? PctChange, LikeForLike LikeForLike);

public sealed record LikeForLike(decimal? Value, decimal? BaseValue, decimal? Delta, decimal? PctChange, int Units);

/// <summary>What the OpenAPI document shows: 2017 against 2016, with a unit that did not report in 2016.</summary>
internal static class Examples
{
    public static readonly Response Comparison = new("110102", 2017, 2016, "bj-gip-2017", "bj-gip-2017",
        new DateTime(2018, 2, 1, 8, 0, 0, DateTimeKind.Utc), false,
        new Dictionary<string, ComparisonView>
        {
            ["3.1"] = new(10, 5, 5, 100.0m, new LikeForLike(4, 5, -1, -20.0m, 1)),
            ["7"] = new(10, null, null, null, new LikeForLike(10, null, null, null, 0)),
        },
        []);
}
