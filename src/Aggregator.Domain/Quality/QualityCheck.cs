using Aggregator.Domain.Rules;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Validation;

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
            flags.AddRange(Warnings(report, catalog.Find(report.Template)));
        }

        return flags
            .OrderBy(flag => flag.OrgUnit, StringComparer.Ordinal)
            .ThenBy(flag => catalog.Find(flag.Template) is { } template && template.TryGetPosition(flag.Indicator, out var position) ? position : int.MaxValue)
            .ThenBy(flag => flag.Indicator, StringComparer.Ordinal)
            .ThenBy(flag => flag.Kind)
            .ThenBy(flag => flag.RuleId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// One flag per stored warning, on the figure the rule is about: the left side of the rule, and when that side is a
    /// sum of several indicators, the sum itself under their shared heading (gte:1.3 is about 1.3.1–1.3.5 together, 975,
    /// not about 1.3.1 alone). With the template at hand the message is told anew from the figures, so that a warning
    /// stored by an earlier release reads like a new one; without it (a template the catalog lost) as it was stored.
    /// </summary>
    public static IEnumerable<QualityFlag> Warnings(UnitFigures report, ReportTemplate? template = null) =>
        (report.Warnings ?? []).Select(warning =>
        {
            var indicator = warning.Indicators.Count > 0 ? warning.Indicators[0] : "";
            var value = report.Values.GetValueOrDefault(indicator);
            var why = warning.Message;
            if (template?.FindRule(warning.RuleId) is { Kind: not RuleKind.Value } rule && rule.Left.Count > 0)
            {
                var left = Sum(report, rule.Left);
                indicator = rule.Left.Count == 1 ? rule.Left[0] : Parent(template, rule.Left) ?? rule.Left[0];
                value = left;
                if (left is { } l && Sum(report, rule.Right) is { } r) why = RuleMessage.Failed(template, rule, l, r);
            }
            return new QualityFlag(report.OrgUnit, report.Template, indicator, value, FlagKind.Warning, why, RuleId: warning.RuleId);
        });

    private static decimal? Sum(UnitFigures report, IReadOnlyList<string> codes)
    {
        var sum = 0m;
        foreach (var code in codes)
        {
            if (report.Values.GetValueOrDefault(code) is not { } value) return null;
            sum += value;
        }
        return sum;
    }

    /// <summary>The heading's code when all <paramref name="codes"/> sit under one (1.3 of 1.3.1–1.3.5).</summary>
    private static string? Parent(ReportTemplate template, IReadOnlyList<string> codes)
    {
        var parent = template.FindIndicator(codes[0])?.Parent;
        return parent is not null && codes.All(code => template.FindIndicator(code)?.Parent == parent) ? parent : null;
    }
}
