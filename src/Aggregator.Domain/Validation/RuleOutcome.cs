using Aggregator.Domain.Rules;

namespace Aggregator.Domain.Validation;

/// <summary>What one rule said about one report; for value checks, about one indicator.</summary>
public sealed record RuleOutcome(
    string RuleId,
    RuleKind Kind,
    RuleSeverity Severity,
    RuleStatus Status,
    IReadOnlyList<string> IndicatorCodes,
    string Message);
