using Aggregator.Domain.Validation;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>A failed rule as the API shows it: which rule, the indicators it names, and its message.</summary>
public sealed record RuleFinding(string RuleId, IReadOnlyList<string> Indicators, string Message)
{
    public static RuleFinding From(RuleOutcome outcome) => new(outcome.RuleId, outcome.IndicatorCodes, outcome.Message);

    public static IReadOnlyList<RuleFinding> From(IEnumerable<RuleOutcome> outcomes) => outcomes.Select(From).ToList();
}
