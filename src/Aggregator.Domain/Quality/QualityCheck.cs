using Aggregator.Domain.Templates;

namespace Aggregator.Domain.Quality;

/// <summary>
/// The data-quality flags of a year's counted reports: swings against each unit's previous year, outliers among
/// the units given (the peers are exactly the reports passed in), and the stored warnings. Flags never block a
/// report; they tell the district office where to look first.
/// </summary>
public static class QualityCheck
{
    /// <summary>
    /// Flags ordered by unit code (ordinal), then indicator in template order, then kind (swing, outlier, warning).
    /// <paramref name="previousYear"/> holds last year's counted reports by unit code; a unit without one has no swings.
    /// A report of a template the catalog does not know has its warnings listed and nothing compared.
    /// </summary>
    public static IReadOnlyList<QualityFlag> Flags(
        TemplateCatalog catalog,
        IReadOnlyCollection<UnitFigures> reports,
        IReadOnlyDictionary<string, UnitFigures> previousYear,
        QualityThresholds thresholds)
    {
        var flags = new List<QualityFlag>();
        foreach (var group in reports.GroupBy(report => report.Template, StringComparer.Ordinal))
        {
            if (catalog.Find(group.Key) is { } template)
                flags.AddRange(OutlierCheck.Find(template, group.ToList(), thresholds));
        }

        foreach (var report in reports)
        {
            if (catalog.Find(report.Template) is { } template)
                flags.AddRange(SwingCheck.Find(template, report, previousYear.GetValueOrDefault(report.OrgUnit), thresholds));
            flags.AddRange(Warnings(report));
        }

        return flags
            .OrderBy(flag => flag.OrgUnit, StringComparer.Ordinal)
            .ThenBy(flag => catalog.Find(flag.Template) is { } template && template.TryGetPosition(flag.Indicator, out var position) ? position : int.MaxValue)
            .ThenBy(flag => flag.Indicator, StringComparer.Ordinal)
            .ThenBy(flag => flag.Kind)
            .ThenBy(flag => flag.RuleId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>One flag per stored warning: the first indicator the rule names, its value, the rule's message.</summary>
    public static IEnumerable<QualityFlag> Warnings(UnitFigures report) =>
        (report.Warnings ?? []).Select(warning =>
        {
            var indicator = warning.Indicators.Count > 0 ? warning.Indicators[0] : "";
            return new QualityFlag(report.OrgUnit, report.Template, indicator, report.Values.GetValueOrDefault(indicator),
                FlagKind.Warning, warning.Message, RuleId: warning.RuleId);
        });
}
