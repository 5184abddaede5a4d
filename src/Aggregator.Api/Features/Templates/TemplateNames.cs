using Aggregator.Api.OpenApi;
using Aggregator.Domain.Rules;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Validation;

namespace Aggregator.Api.Features.Templates;

/// <summary>The words the API uses for the domain's enums: those of the template files.</summary>
public static class TemplateNames
{
    public static string Of(RuleKind kind) => kind switch
    {
        RuleKind.Sum => "sum",
        RuleKind.LessOrEqual => "lte",
        RuleKind.GreaterOrEqual => "gte",
        RuleKind.Value => "value",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static string Of(RuleSeverity severity) => severity.ToString().ToLowerInvariant();

    public static string Of(RuleStatus status) => status switch
    {
        RuleStatus.NotEvaluable => "not-evaluable",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string Of(IndicatorValueType valueType) => valueType.ToString().ToLowerInvariant();

    public static string Of(AggregateKind aggregate) => aggregate.ToString().ToLowerInvariant();
}

/// <summary>One rule's outcome as the API reports it.</summary>
public sealed record RuleOutcomeView(string RuleId, [property: Vocabulary(Vocabularies.RuleKinds)] string Kind, [property: Vocabulary(Vocabularies.RuleSeverities)] string Severity, [property: Vocabulary(Vocabularies.RuleStatuses)] string Status, IReadOnlyList<string> Indicators, string Message)
{
    public static RuleOutcomeView From(RuleOutcome outcome) => new(
        outcome.RuleId, TemplateNames.Of(outcome.Kind), TemplateNames.Of(outcome.Severity), TemplateNames.Of(outcome.Status),
        outcome.IndicatorCodes, outcome.Message);
}
