using Aggregator.Domain.Templates;

namespace Aggregator.Domain.Quality;

/// <summary>
/// A figure far from the figures the other units gave the same indicator of the same template in the same year.
/// <para>
/// These are small, skewed counts, often zero: most sub-districts receive 0–10 applications and one receives 300.
/// Mean ± 3σ fails on them both ways — one large unit inflates σ until nothing is ever flagged, and a group of
/// zeros has σ = 0 so that a single 1 is "infinitely" far. So the measure is robust and on a log scale:
/// </para>
/// <list type="number">
/// <item>each value v becomes x = ln(1 + v) (sign kept for a negative value), so that 10 against 100 weighs like
/// 100 against 1000 and zero stays zero;</item>
/// <item>the centre is the median of x over the units that gave a value, the unit itself included (one odd value
/// barely moves a median, and one pass over the group serves every unit in it);</item>
/// <item>the spread is the MAD (median absolute deviation from that median) × 1.4826, which equals σ for normal
/// data, but at least <see cref="QualityThresholds.OutlierMinSpread"/>: when most peers agree (or are all zero)
/// the MAD is 0 and every small difference would otherwise count;</item>
/// <item>a value is an outlier when |x − median| &gt; <see cref="QualityThresholds.OutlierThreshold"/> × spread
/// <em>and</em> |v − median of the values| ≥ <see cref="QualityThresholds.OutlierFloor"/> — the second test
/// keeps 1 among zeros, or 6 among 1s, from being called an outlier whatever the logs say;</item>
/// <item>only when at least <see cref="QualityThresholds.OutlierMinPeers"/> other units gave the indicator a
/// value: a median of two or three units says nothing.</item>
/// </list>
/// Missing values (null) are neither flagged nor counted among the peers: missing is not zero.
/// </summary>
public static class OutlierCheck
{
    /// <summary>MAD × this estimates σ for normally distributed data.</summary>
    public const double MadToSigma = 1.4826;

    /// <summary>The outliers among <paramref name="units"/>, all reports of <paramref name="template"/>, indicator by indicator.</summary>
    public static IEnumerable<QualityFlag> Find(ReportTemplate template, IReadOnlyCollection<UnitFigures> units, QualityThresholds thresholds)
    {
        foreach (var indicator in CheckedIndicators.Of(template))
        {
            var given = units
                .Where(unit => unit.Template == template.Code)
                .Select(unit => (unit.OrgUnit, Value: unit.Values.GetValueOrDefault(indicator.Code)))
                .Where(pair => pair.Value is not null)
                .Select(pair => (pair.OrgUnit, Value: pair.Value!.Value))
                .ToList();
            var peers = given.Count - 1;
            if (peers < thresholds.OutlierMinPeers) continue;

            var scaled = given.Select(pair => Scale(pair.Value)).ToArray();
            var centre = Median(scaled);
            var spread = Math.Max(MadToSigma * Median(scaled.Select(x => Math.Abs(x - centre))), thresholds.OutlierMinSpread);
            var medianValue = Median(given.Select(pair => pair.Value));

            for (var i = 0; i < given.Count; i++)
            {
                var (orgUnit, value) = given[i];
                if (Math.Abs(scaled[i] - centre) <= thresholds.OutlierThreshold * spread
                    || Math.Abs(value - medianValue) < thresholds.OutlierFloor)
                    continue;
                yield return new QualityFlag(orgUnit, template.Code, indicator.Code, value, FlagKind.Outlier,
                    Why(indicator, value, medianValue, given.Count), Median: medianValue, Peers: peers);
            }
        }
    }

    /// <summary>ln(1 + |v|) with the sign of v.</summary>
    public static double Scale(decimal value) => Math.Sign(value) * Math.Log(1 + Math.Abs((double)value));

    // Both sort a copy: the callers keep their arrays aligned with the units.
    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    internal static decimal Median(IEnumerable<decimal> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2m;
    }

    private static string Why(Indicator indicator, decimal value, decimal median, int compared)
    {
        var (name, v, m) = (CheckedIndicators.Name(indicator), CheckedIndicators.Format(value), CheckedIndicators.Format(median));
        var direction = value > median ? "远高于" : "远低于";
        return $"{name}：本单位 {v}，{direction}填报此项的 {compared} 个单位的中位数 {m}。";
    }
}
