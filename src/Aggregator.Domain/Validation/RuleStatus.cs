namespace Aggregator.Domain.Validation;

public enum RuleStatus : byte
{
    Passed,
    Failed,

    /// <summary>An operand is missing or unusable; a missing value is never read as zero.</summary>
    NotEvaluable,
}
