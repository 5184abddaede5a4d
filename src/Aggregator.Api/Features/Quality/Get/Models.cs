using Aggregator.Api.Features.Shared;
using Aggregator.Api.OpenApi;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Quality.Get;

public sealed class Request
{
    public const int DefaultLimit = 200;
    public const int MostLimit = 1_000;

    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }

    /// <summary>At most this many flags in the answer (1–1000, default 200).</summary>
    [QueryParam] public int Limit { get; init; } = DefaultLimit;

    /// <summary>The next page: the <c>next</c> of the previous answer, as it was given (opaque). Without it, the first page.</summary>
    [QueryParam] public string? Next { get; init; }

    /// <summary>Where the page starts: after the flag <see cref="Next"/> names; null for the first page.</summary>
    public FlagPlace? After() => Next is null ? null : FlagCursor.Read(Next, Org, Year);

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Limit).InclusiveBetween(1, MostLimit);
            RuleFor(r => r.Next).MaximumCharacters(FlagCursor.MaxLength)
                .Must((r, next) => next is null || r.After() is not null)
                .WithMessage(_ => ProblemText.QualityNext());
        }
    }
}

/// <summary>
/// A page of the flags, in a stable order (unit code, then indicator in template order, kind, rule). units: how
/// many counted reports at or below the unit were checked; total: how many flags there are on all pages; next:
/// the cursor of the next page, null on the last one.
/// </summary>
public sealed record Response(string OrgUnit, int Year, int Units, IReadOnlyList<FlagView> Flags, int Total, string? Next);

/// <summary>
/// One figure worth a second look; it never blocks a report. swing: far from the unit's own figure of the year
/// before (previous). outlier: far from the median (median) of the figures the checked units gave the indicator,
/// this unit's included; peers: how many other units gave it. warning: a warning rule the counted version fails
/// (ruleId; indicator and value are the figure the rule is about: its left side, and when that side sums several
/// indicators, their heading with the sum — 1.3 and 904 for the channels 1.3.1–1.3.5; why is the rule's message, in Chinese).
/// </summary>
public sealed record FlagView(
    string OrgUnit,
    string Name,
    string Indicator,
    decimal? Value,
    [property: Vocabulary(Vocabularies.QualityFlagKinds)] string Kind,
    string Why,
    [property: Vocabulary(Vocabularies.Templates)] string Template,
    decimal? Previous,
    decimal? Median,
    int? Peers,
    string? RuleId);

/// <summary>What the OpenAPI document shows: two sub-districts of 西城区 in 2017.</summary>
internal static class Examples
{
    public static readonly Response Flags = new("110102", 2017, 15,
    [
        new("110102003", "大栅栏街道", "2.2.3", 300, "swing",
            "政策解读稿件发布数(2.2.3)：本年 300，上年 30，为上年的 10 倍。",
            "bj-gip-2017", 30, null, null, null),
        new("110102007", "陶然亭街道", "1.3", 904, "warning",
            "通过不同渠道和方式公开政府信息的情况（1.3.1–1.3.5 合计）为 904，小于 主动公开政府信息数（不同渠道和方式公开相同信息计1条）(1.1)的 975",
            "bj-gip-2017", null, null, null, "gte:1.3"),
        new("110102007", "陶然亭街道", "9.3", 510, "outlier",
            "接受培训人员数(9.3)：本单位 510，远高于填报此项的 15 个单位的中位数 51。",
            "bj-gip-2017", null, 51, 14, null),
    ], 3, null);
}
