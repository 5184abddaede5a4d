namespace Aggregator.Domain.Rules;

/// <summary>
/// A declared arithmetic rule of a template: Σ <see cref="Left"/> compared with Σ <see cref="Right"/>.
/// <see cref="Message"/> is a template with <c>{left}</c>, <c>{leftValue}</c>, <c>{right}</c>, <c>{rightValue}</c>.
/// </summary>
public sealed record ReportRule(
    string Id,
    RuleKind Kind,
    RuleSeverity Severity,
    IReadOnlyList<string> Left,
    IReadOnlyList<string> Right,
    string Message,
    string? Note)
{
    public IEnumerable<string> Operands => Left.Concat(Right);
}
