using Aggregator.Api.Features.Shared;
using Aggregator.Api.OpenApi;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Series.Get;

public sealed class Request
{
    public const int MaxIndicators = 50;

    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";

    /// <summary>One indicator (the original form); or use indicators.</summary>
    [QueryParam] public string? Indicator { get; init; }

    /// <summary>Several indicators, comma-separated, in the order of each point's values.</summary>
    [QueryParam] public string? Indicators { get; init; }

    [QueryParam] public int? From { get; init; }
    [QueryParam] public int? To { get; init; }

    public IReadOnlyList<string> Codes => Indicator is { Length: > 0 } one
        ? [one]
        : Shared.Codes.CommaList(Indicators);

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Indicator).MaximumCharacters(100);
            RuleFor(r => r.Indicators).MaximumCharacters(2_000);
            RuleFor(r => r.Indicators)
                .Must((r, _) => string.IsNullOrEmpty(r.Indicator) != string.IsNullOrEmpty(r.Indicators))
                .WithMessage(_ => ProblemText.IndicatorOrIndicators())
                .Must((r, _) => r.Codes.Count > 0).WithMessage(_ => ProblemText.NameOneIndicator())
                .Must((r, _) => r.Codes.Count <= MaxIndicators).WithMessage(_ => ProblemText.AtMostIndicators(MaxIndicators))
                .Must((r, _) => r.Codes.Distinct(StringComparer.Ordinal).Count() == r.Codes.Count).WithMessage(_ => ProblemText.EachIndicatorOnce());
            RuleFor(r => r.To).Must((r, to) => r.From is null || to is null || r.From <= to).WithMessage(_ => ProblemText.FromAfterTo());
        }
    }
}

/// <summary>
/// source: "rollup" for a unit with units below it (stored figures), "report" for a unit's own counted report.
/// indicators: the codes asked for; each point's values are in that order. indicator (and each point's value and
/// reporters) is set when one indicator was asked for, as the single-indicator form always answered.
/// </summary>
public sealed record Response(string OrgUnit, string? Indicator, IReadOnlyList<string> Indicators, string Source, IReadOnlyList<Point> Points);

/// <summary>
/// reporters: units that gave the (one) indicator a value, for rollups; null for a report or several indicators.
/// expectedUnits and countedUnits: the year's coverage, units expected to report and units whose figures count in it
/// (as the rollup's completeness), so that a chart can mark a year that covers fewer units; null for a report.
/// </summary>
public sealed record Point(
    int Year, [property: Vocabulary(Vocabularies.Templates)] string Template, decimal? Value, int? Reporters, IReadOnlyList<decimal?> Values,
    DateTime? ComputedAt, bool? Stale, int? ExpectedUnits, int? CountedUnits);
