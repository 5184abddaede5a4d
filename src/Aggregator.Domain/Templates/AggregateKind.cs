namespace Aggregator.Domain.Templates;

/// <summary>How an indicator rolls up across reporting units.</summary>
public enum AggregateKind
{
    Sum,

    /// <summary>Summing across units means nothing; rollups leave it out.</summary>
    None,
}
