using System.Globalization;
using Aggregator.Domain.Rollups;

namespace Aggregator.Domain.AnnualReports;

/// <summary>How the report writes its numbers: plain figures, percentages, and the change against the previous year.</summary>
public static class Phrases
{
    public static string Number(decimal value) =>
        (value / 1.000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    public static string Percent(decimal share, int decimals) =>
        share.ToString(decimals == 0 ? "0" : "0." + new string('0', decimals), CultureInfo.InvariantCulture) + "%";

    /// <summary>
    /// "，比上年增加3件、增长50%" (or 减少/下降, 与上年持平); empty when the previous year is not comparable or either
    /// value is missing. Without a percentage when the previous year was 0.
    /// </summary>
    public static string Change(decimal? value, decimal? previous, string unit)
    {
        var comparison = Comparison.Compute(value, previous);
        if (comparison.Delta is not { } delta) return "";
        if (delta == 0) return "，与上年持平";
        var (more, grow) = delta > 0 ? ("增加", "增长") : ("减少", "下降");
        var text = $"，比上年{more}{Number(Math.Abs(delta))}{unit}";
        return comparison.PctChange is { } pct ? $"{text}、{grow}{Number(Math.Abs(pct))}%" : text;
    }

    /// <summary>
    /// The parts with a value above zero, each with its share of their whole: "政府网站公开政府信息534条，占总数的54.8%；…".
    /// Empty cells and zeros are left out; nothing when no part has a value.
    /// </summary>
    public static string ListWithShares(IEnumerable<(string Phrase, decimal? Value)> parts, decimal? whole, string unit, int decimals,
        string shareOf = "占总数的")
    {
        var listed = parts.Where(part => part.Value is > 0).Select(part => (part.Phrase, Value: part.Value!.Value)).ToList();
        if (listed.Count == 0) return "";
        var total = whole is > 0 ? whole.Value : listed.Sum(part => part.Value);
        var shares = Shares.Of(listed.Select(part => part.Value).ToList(), total, decimals);
        return string.Join("；", listed.Select((part, i) => $"{part.Phrase}{Number(part.Value)}{unit}，{shareOf}{Percent(shares[i], decimals)}"));
    }

    /// <summary>The parts that have a value, zeros included: "按时办结2件、延期办结0件"; empty cells are left out.</summary>
    public static string List(IEnumerable<(string Phrase, decimal? Value)> parts, string unit, string separator = "、") =>
        string.Join(separator, parts.Where(part => part.Value is not null).Select(part => $"{part.Phrase}{Number(part.Value!.Value)}{unit}"));

    /// <summary>As <see cref="List(IEnumerable{ValueTuple{string, decimal?}}, string, string)"/>, each part with its own unit.</summary>
    public static string List(IEnumerable<(string Phrase, decimal? Value, string Unit)> parts, string separator = "、") =>
        string.Join(separator, parts.Where(part => part.Value is not null).Select(part => $"{part.Phrase}{Number(part.Value!.Value)}{part.Unit}"));
}
