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
}
