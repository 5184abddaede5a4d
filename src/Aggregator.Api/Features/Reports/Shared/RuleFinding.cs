using System.Text.Json.Serialization;
using Aggregator.Domain.Narrative;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Validation;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>
/// A failed rule as the API shows it: which rule, the indicators it names, and its message. A
/// <c>narrative-mismatch</c> (an imported document's prose against its own table) also carries <c>narrative</c>.
/// </summary>
public sealed record RuleFinding(string RuleId, IReadOnlyList<string> Indicators, string Message)
{
    /// <summary>For <c>narrative-mismatch</c> only: the sentence, the number it states and the table's.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NarrativeFinding? Narrative { get; init; }

    /// <summary>The warning for a number the prose states that its table contradicts; indicators: the figure, then for a share its whole.</summary>
    public static RuleFinding From(ReportTemplate template, NarrativeMismatch mismatch) =>
        new(NarrativeMismatch.RuleId, mismatch.Of is { } of ? [mismatch.Indicator, of] : [mismatch.Indicator], mismatch.Message(template))
        {
            Narrative = new NarrativeFinding(mismatch.Sentence, mismatch.Stated, mismatch.Table, mismatch.IsShare ? "share" : "count"),
        };

    public static RuleFinding From(RuleOutcome outcome) => new(outcome.RuleId, outcome.IndicatorCodes, outcome.Message);

    public static IReadOnlyList<RuleFinding> From(IEnumerable<RuleOutcome> outcomes) => outcomes.Select(From).ToList();
}

/// <summary>
/// What the prose states against the table: the sentence (whitespace collapsed, at most 120 characters), the number it
/// states (<c>stated</c>) and the table's (<c>table</c>). kind <c>count</c>: the figure itself; <c>share</c>: a percentage of
/// the second indicator, the table's computed from the two figures and rounded to one decimal (a disagreement only past 1 point).
/// </summary>
public sealed record NarrativeFinding(string Sentence, decimal Stated, decimal Table, string Kind);
