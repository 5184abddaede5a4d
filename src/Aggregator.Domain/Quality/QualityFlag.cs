namespace Aggregator.Domain.Quality;

/// <summary>What a flag says about a figure.</summary>
public enum FlagKind
{
    /// <summary>Far from the same unit's figure of the year before.</summary>
    Swing,

    /// <summary>Far from the figures of the other units for the same year.</summary>
    Outlier,

    /// <summary>A warning rule the counted version fails, stored with it when it was posted.</summary>
    Warning,
}

/// <summary>
/// One figure worth a second look. Never a rejection: the report counts as it is. <see cref="Previous"/> is set
/// for a swing, <see cref="Median"/> and <see cref="Peers"/> for an outlier, <see cref="RuleId"/> for a warning.
/// </summary>
public sealed record QualityFlag(
    string OrgUnit,
    string Template,
    string Indicator,
    decimal? Value,
    FlagKind Kind,
    string Why,
    decimal? Previous = null,
    decimal? Median = null,
    int? Peers = null,
    string? RuleId = null);
