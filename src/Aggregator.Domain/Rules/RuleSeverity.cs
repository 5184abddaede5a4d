namespace Aggregator.Domain.Rules;

public enum RuleSeverity
{
    /// <summary>Rejects the submission.</summary>
    Error,

    /// <summary>Stored with the report and shown to reviewers.</summary>
    Warning,
}
