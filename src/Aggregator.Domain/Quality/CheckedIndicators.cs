using System.Globalization;
using Aggregator.Domain.Templates;

namespace Aggregator.Domain.Quality;

/// <summary>
/// The indicators compared across years and units: the summable ones (<see cref="AggregateKind.Sum"/>), counts
/// and amounts whose size is what the district's totals are made of. An indicator with aggregation
/// <see cref="AggregateKind.None"/> (a rate, a ranking, a figure that means nothing summed) is not: the log
/// scale, the factor and the absolute floors are made for counts, and a rate of 0.9 against 0.3 would never
/// pass a floor of 20. Warnings are listed for every indicator. (The templates of today have no such indicator.)
/// </summary>
internal static class CheckedIndicators
{
    public static IEnumerable<Indicator> Of(ReportTemplate template) =>
        template.Indicators.Where(indicator => indicator.Aggregate == AggregateKind.Sum);

    /// <summary>The indicator as the messages name it: label and code.</summary>
    public static string Name(Indicator indicator) => $"{indicator.Label}({indicator.Code})";

    /// <summary>A figure as people write it: no trailing zeros, no exponent, invariant digits.</summary>
    public static string Format(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}
