namespace Aggregator.Domain.Rules;

/// <summary>Stable ids of the checks every value goes through, reported per indicator.</summary>
public static class ValueRules
{
    public const string ValuesObject = "values-object";
    public const string UnknownCode = "unknown-code";
    public const string DuplicateCode = "duplicate-code";
    public const string ValueType = "value-type";
    public const string FractionalCount = "fractional-count";
    public const string Negative = "negative-value";
    public const string DecimalPlaces = "decimal-places";
    public const string OutOfRange = "out-of-range";

    /// <summary>
    /// No figure of these tables comes near a trillion (money in 元 included). The bound keeps every sum a
    /// rule or a rollup takes — over a province's units — far inside decimal's range.
    /// </summary>
    public const decimal MaxMagnitude = 1_000_000_000_000m;
}
