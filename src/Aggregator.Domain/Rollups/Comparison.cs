namespace Aggregator.Domain.Rollups;

/// <summary>A value against its base-year value.</summary>
/// <param name="Delta">Value − base; null when either is missing.</param>
/// <param name="PctChange">Percent change rounded to one decimal (5 → 4 is −20.0); null when the base is 0 or either is missing.</param>
public readonly record struct Comparison(decimal? Value, decimal? BaseValue, decimal? Delta, decimal? PctChange)
{
    public static Comparison Compute(decimal? value, decimal? baseValue)
    {
        if (value is not { } current || baseValue is not { } previous)
        {
            return new Comparison(value, baseValue, null, null);
        }

        var delta = current - previous;
        decimal? pctChange = previous == 0m ? null : decimal.Round(delta * 100m / previous, 1, MidpointRounding.AwayFromZero);
        return new Comparison(value, baseValue, delta, pctChange);
    }
}
