using Aggregator.Domain.Templates;

namespace Aggregator.Domain.Quality;

/// <summary>
/// A figure far from the same unit's figure of the year before, for the same indicator code of the same
/// template: at least <see cref="QualityThresholds.SwingFactor"/> times as much or at most a
/// <see cref="QualityThresholds.SwingFactor"/>th of it, <em>and</em> at least
/// <see cref="QualityThresholds.SwingFloor"/> away from it. The factor alone would flag 0 → 2 and 1 → 4, which
/// in a sub-district's counts is noise; the floor alone would flag 1000 → 1030.
/// <para>
/// Across a template change (bj-gip-2017 → cn-gip-2019 → cn-gip-2021) nothing is compared: the same code means a
/// different figure, and the declared mappings join several codes into one (<c>3.1+3.2</c>), so a flag could not
/// name one indicator of the report. The comparisons endpoint shows the mapped figures year on year.
/// A missing value on either side is not compared (missing is not zero), nor is a negative one: the factor
/// means nothing across a change of sign.
/// </para>
/// </summary>
public static class SwingCheck
{
    public static IEnumerable<QualityFlag> Find(ReportTemplate template, UnitFigures current, UnitFigures? previous, QualityThresholds thresholds)
    {
        if (previous is null || previous.Template != current.Template || current.Template != template.Code) yield break;

        foreach (var indicator in CheckedIndicators.Of(template))
        {
            if (current.Values.GetValueOrDefault(indicator.Code) is not { } value
                || previous.Values.GetValueOrDefault(indicator.Code) is not { } before
                || !IsSwing(value, before, thresholds))
                continue;
            yield return new QualityFlag(current.OrgUnit, template.Code, indicator.Code, value, FlagKind.Swing,
                Why(indicator, value, before), Previous: before);
        }
    }

    /// <summary>Whether <paramref name="value"/> swung from <paramref name="previous"/> by the factor and the floor.</summary>
    public static bool IsSwing(decimal value, decimal previous, QualityThresholds thresholds)
    {
        if (value < 0m || previous < 0m || Math.Abs(value - previous) < thresholds.SwingFloor) return false;
        return value >= thresholds.SwingFactor * previous || value * thresholds.SwingFactor <= previous;
    }

    // 本年 41950，上年 1850，为上年的 22.7 倍: the figures first, then what they mean, in the officer's words.
    private static string Why(Indicator indicator, decimal value, decimal previous)
    {
        var (name, now, before) = (CheckedIndicators.Name(indicator), CheckedIndicators.Format(value), CheckedIndicators.Format(previous));
        if (previous == 0m)
            return $"{name}：本年 {now}，上年为 0。";
        if (value > previous)
        {
            var times = CheckedIndicators.Format(decimal.Round(value / previous, 1, MidpointRounding.AwayFromZero));
            return $"{name}：本年 {now}，上年 {before}，为上年的 {times} 倍。";
        }
        var percent = CheckedIndicators.Format(decimal.Round(value * 100m / previous, 1, MidpointRounding.AwayFromZero));
        return $"{name}：本年 {now}，上年 {before}，仅为上年的 {percent}%。";
    }
}
