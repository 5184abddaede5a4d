using Aggregator.Api.Features.Shared;
using Aggregator.Api.OpenApi;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Tables.Get;

public sealed class Request
{
    public const int MaxIndicators = 100;

    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }

    /// <summary>Indicator codes of the year's template, comma-separated, in the order of the answer's columns.</summary>
    [QueryParam] public string Indicators { get; init; } = "";

    /// <summary>children (default): the units directly below; leaves: every unit with no units below it, at any depth.</summary>
    [QueryParam] public string Level { get; init; } = Levels.Children;

    public IReadOnlyList<string> Codes => Shared.Codes.CommaList(Indicators);

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Indicators).NotEmpty().MaximumCharacters(2_000);
            RuleFor(r => r.Indicators)
                .Must((r, _) => r.Codes.Count > 0).WithMessage(_ => ProblemText.NameOneIndicator())
                .Must((r, _) => r.Codes.Count <= MaxIndicators).WithMessage(_ => ProblemText.AtMostIndicators(MaxIndicators))
                .Must((r, _) => r.Codes.Distinct(StringComparer.Ordinal).Count() == r.Codes.Count).WithMessage(_ => ProblemText.EachIndicatorOnce());
            RuleFor(r => r.Level).Must(level => level is Levels.Children or Levels.Leaves).WithMessage(_ => ProblemText.LevelOneOf(Levels.Children, Levels.Leaves));
        }
    }
}

public static class Levels
{
    public const string Children = "children";
    public const string Leaves = "leaves";
}

/// <summary>
/// One call per chart: a row per unit (in tree order, siblings by code), a column per indicator asked for, and
/// the unit's stored total. A row's value is the child's stored rollup when units are below it, else its counted
/// report's value; null where it gave none. total is the stored rollup of the unit asked about (its own report included).
/// </summary>
public sealed record Response(
    string OrgUnit, int Year, [property: Vocabulary(Vocabularies.Templates)] string Template, string Level, DateTime ComputedAt, bool Stale,
    IReadOnlyList<string> Columns, IReadOnlyList<TableRow> Rows, IReadOnlyList<decimal?> Total);

public sealed record TableRow(string OrgUnit, string Name, IReadOnlyList<decimal?> Values);

internal static class Examples
{
    public static readonly Response Table = new("110102", 2017, "bj-gip-2017", Levels.Children, new DateTime(2018, 2, 1, 8, 0, 0, DateTimeKind.Utc), false,
        ["1.1", "3.1"],
        [new TableRow("110102001", "西长安街街道", [1234, 12]), new TableRow("110102003", "新街口街道", [987, null])],
        [2221, 12]);
}
