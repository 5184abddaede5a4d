using Aggregator.Domain.Rules;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Values;

namespace Aggregator.Domain.Validation;

/// <summary>
/// Every rule's outcome for one report. Validation itself only records statuses and value-check failures;
/// outcomes and messages are built when first read.
/// </summary>
public sealed class ValidationResult
{
    private readonly RuleStatus[] statuses;
    private readonly decimal?[] values;
    private readonly List<RuleOutcome>? valueFailures;
    private IReadOnlyList<RuleOutcome>? outcomes;

    internal ValidationResult(ReportTemplate template, RuleStatus[] statuses, decimal?[] values, List<RuleOutcome>? valueFailures)
    {
        Template = template;
        this.statuses = statuses;
        this.values = values;
        this.valueFailures = valueFailures;
        HasErrors = valueFailures is { Count: > 0 } || HasFailedError(template, statuses);
    }

    public ReportTemplate Template { get; }

    public bool HasErrors { get; }

    /// <summary>Value-check failures (per indicator) first, then every declared rule in template order.</summary>
    public IReadOnlyList<RuleOutcome> Outcomes => outcomes ??= BuildOutcomes();

    public IEnumerable<RuleOutcome> Failures => Outcomes.Where(outcome => outcome.Status == RuleStatus.Failed);

    public IEnumerable<RuleOutcome> Errors => Failures.Where(outcome => outcome.Severity == RuleSeverity.Error);

    public IEnumerable<RuleOutcome> Warnings => Failures.Where(outcome => outcome.Severity == RuleSeverity.Warning);

    public IEnumerable<RuleOutcome> NotEvaluable => Outcomes.Where(outcome => outcome.Status == RuleStatus.NotEvaluable);

    /// <summary>The status of a declared rule.</summary>
    /// <exception cref="KeyNotFoundException">The template has no such rule.</exception>
    public RuleStatus StatusOf(string ruleId)
    {
        for (var index = 0; index < Template.Rules.Count; index++)
        {
            if (Template.Rules[index].Id == ruleId)
            {
                return statuses[index];
            }
        }

        throw new KeyNotFoundException($"{Template.Code} has no rule '{ruleId}'");
    }

    /// <summary>The usable values (numbers that passed their value checks, and explicit nulls).</summary>
    public ReportValues ToReportValues()
    {
        var pairs = new List<KeyValuePair<string, decimal?>>();
        for (var position = 0; position < values.Length; position++)
        {
            if (values[position] is { } value)
            {
                pairs.Add(KeyValuePair.Create(Template.Indicators[position].Code, (decimal?)value));
            }
        }

        return ReportValues.From(pairs);
    }

    private static bool HasFailedError(ReportTemplate template, RuleStatus[] statuses)
    {
        for (var index = 0; index < statuses.Length; index++)
        {
            if (statuses[index] == RuleStatus.Failed && template.Rules[index].Severity == RuleSeverity.Error)
            {
                return true;
            }
        }

        return false;
    }

    private List<RuleOutcome> BuildOutcomes()
    {
        var list = new List<RuleOutcome>(valueFailures ?? []);
        for (var index = 0; index < statuses.Length; index++)
        {
            var rule = Template.Rules[index];
            var compiled = Template.CompiledRules[index];
            var codes = rule.Operands.ToArray();
            var message = statuses[index] switch
            {
                RuleStatus.Failed => RuleMessage.Failed(Template, rule, Sum(compiled.Left), Sum(compiled.Right)),
                RuleStatus.NotEvaluable => RuleMessage.NotEvaluable(Template, rule, codes.Where(code => Value(code) is null).Distinct()),
                _ => string.Empty,
            };
            list.Add(new RuleOutcome(rule.Id, rule.Kind, rule.Severity, statuses[index], codes, message));
        }

        return list;
    }

    private decimal? Value(string code) => Template.TryGetPosition(code, out var position) ? values[position] : null;

    private decimal Sum(int[] positions) => positions.Sum(position => values[position]!.Value);
}
