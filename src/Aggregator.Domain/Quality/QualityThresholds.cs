namespace Aggregator.Domain.Quality;

/// <summary>
/// When a figure is flagged. Bound from configuration (<c>Aggregator:Quality</c>); the defaults suit the
/// counts of a district's sub-districts: small, skewed and often zero.
/// </summary>
public sealed record QualityThresholds
{
    /// <summary>A swing is a value at least this many times last year's, or at most last year's divided by it.</summary>
    public decimal SwingFactor { get; init; } = 3m;

    /// <summary>…and at least this far from last year's value, so that 0 → 2 is no alarm.</summary>
    public decimal SwingFloor { get; init; } = 20m;

    /// <summary>
    /// An outlier lies more than this many robust spreads from the peers' median on the log scale. 3.5 is the
    /// cut Iglewicz and Hoaglin suggest for the modified z-score.
    /// </summary>
    public double OutlierThreshold { get; init; } = 3.5;

    /// <summary>
    /// The least spread assumed on the log scale (ln(1 + value)), when the peers agree closely or are mostly
    /// zero and their MAD is 0. With the threshold of 3.5 a value must then differ from the median by a
    /// factor of about e^1.75 ≈ 5.8 to be flagged.
    /// </summary>
    public double OutlierMinSpread { get; init; } = 0.5;

    /// <summary>…and at least this far from the peers' median value, so that 1 among zeros is no outlier.</summary>
    public decimal OutlierFloor { get; init; } = 20m;

    /// <summary>Outliers are looked for only where at least this many other units gave the indicator a value.</summary>
    public int OutlierMinPeers { get; init; } = 5;

    /// <summary>What is wrong with these settings, one sentence each naming the setting; empty when they can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (SwingFactor <= 1m) problems.Add($"{nameof(SwingFactor)} must be greater than 1.");
        if (SwingFloor < 0m) problems.Add($"{nameof(SwingFloor)} must not be negative.");
        if (!(OutlierThreshold > 0) || double.IsInfinity(OutlierThreshold)) problems.Add($"{nameof(OutlierThreshold)} must be a positive number.");
        if (!(OutlierMinSpread > 0) || double.IsInfinity(OutlierMinSpread)) problems.Add($"{nameof(OutlierMinSpread)} must be a positive number.");
        if (OutlierFloor < 0m) problems.Add($"{nameof(OutlierFloor)} must not be negative.");
        if (OutlierMinPeers < 1) problems.Add($"{nameof(OutlierMinPeers)} must be at least 1.");
        return problems;
    }
}
