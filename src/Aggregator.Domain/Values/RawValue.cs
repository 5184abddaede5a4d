namespace Aggregator.Domain.Values;

/// <summary>
/// One value as it arrived, before validation; <see cref="Raw"/> keeps the original text of a bad one — for a
/// <see cref="RawValueKind.Number"/>, one that <see cref="Number"/> could not hold exactly (see <see cref="ExactDecimal"/>).
/// </summary>
public readonly record struct RawValue(string Code, RawValueKind Kind, decimal Number, string? Raw)
{
    public static RawValue Of(string code, decimal? value) =>
        value is { } number ? new(code, RawValueKind.Number, number, null) : new(code, RawValueKind.Missing, 0m, null);
}
