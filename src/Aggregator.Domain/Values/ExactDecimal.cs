using System.Globalization;

namespace Aggregator.Domain.Values;

/// <summary>
/// Reads a number as written without losing any of it. <see cref="decimal"/> holds 28–29 significant digits
/// and its parsers round whatever is beyond (975.0000000000000000000000000001 → 975), so a figure finer than
/// its indicator allows would be stored as another figure without a word. Here the written digits are
/// compared with the parsed value's, and a number that did not survive parsing is kept as it was written.
/// </summary>
public static class ExactDecimal
{
    /// <summary>
    /// A number value: <see cref="RawValue.Raw"/> null when <paramref name="number"/> is exactly
    /// <paramref name="text"/>; otherwise <paramref name="number"/> is only the nearest decimal and
    /// <see cref="RawValue.Raw"/> keeps the text, for the validator to refuse.
    /// </summary>
    public static RawValue Value(string code, string text, decimal number) =>
        new(code, RawValueKind.Number, number, Holds(text, number) ? null : text);

    /// <summary>Whether <paramref name="number"/> is exactly the number <paramref name="text"/> writes.</summary>
    public static bool Holds(string text, decimal number) =>
        Significand(text) is { } written && written == Significand(number.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The value of a plain or scientific number as (sign, significant digits, power of ten), with no leading
    /// or trailing zeros: 975.00 and 9.75e2 both give (+, "975", 0); zero gives (+, "", 0). Null when the
    /// text is not such a number.
    /// </summary>
    private static (bool Negative, string Digits, long Exponent)? Significand(string text)
    {
        var span = text.AsSpan().Trim();
        var negative = false;
        if (span.Length > 0 && span[0] is '-' or '+')
        {
            negative = span[0] == '-';
            span = span[1..];
        }
        else if (span.Length > 0 && span[^1] is '-' or '+')
        {
            negative = span[^1] == '-';
            span = span[..^1];
        }

        long exponent = 0;
        var e = span.IndexOfAny('e', 'E');
        if (e >= 0)
        {
            if (!long.TryParse(span[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)
                || exponent is > int.MaxValue or < int.MinValue)
            {
                return null;
            }

            span = span[..e];
        }

        var point = span.IndexOf('.');
        var whole = point < 0 ? span : span[..point];
        var fraction = point < 0 ? ReadOnlySpan<char>.Empty : span[(point + 1)..];
        if (whole.Length + fraction.Length == 0 || whole.ContainsAnyExceptInRange('0', '9') || fraction.ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }

        var digits = string.Concat(whole, fraction).TrimStart('0');
        exponent -= fraction.Length;
        var significant = digits.TrimEnd('0');
        exponent += digits.Length - significant.Length;
        return significant.Length == 0 ? (false, "", 0) : (negative, significant, exponent);
    }
}
