using Aggregator.Domain.Mappings;
using Aggregator.Domain.Templates;

namespace Aggregator.Jobs.Rollups;

/// <summary>
/// What a comparison of two years compares. Same template: every summable indicator with itself. Across a
/// template change: only the entries of the declared (or composed) mapping, under the later template's
/// codes; every other summable code of the later template is listed as not comparable.
/// </summary>
public static class ComparisonPlanner
{
    public static ComparisonPlan Plan(TemplateCatalog catalog, Guid tenantId, int year, ReportTemplate template, int baseYear, ReportTemplate baseTemplate)
    {
        var summable = RollupJob.SummableCodes(template);
        var baseSummable = RollupJob.SummableCodes(baseTemplate).ToHashSet(StringComparer.Ordinal);

        IReadOnlyList<MappingEntry> entries = template.Code == baseTemplate.Code
            ? summable.Select(code => new MappingEntry([code], [code], "same template")).ToList()
            : catalog.FindMapping(baseTemplate.Code, template.Code)?.Entries ?? [];
        var usable = entries
            .Where(e => e.Targets.All(summable.Contains) && e.Sources.All(baseSummable.Contains))
            .ToList();

        var later = usable.SelectMany(e => e.Targets.Select(code => (e.Key, code))).ToList();
        var earlier = usable.SelectMany(e => e.Sources.Select(code => (e.Key, code))).ToList();
        var covered = usable.SelectMany(e => e.Targets).ToHashSet(StringComparer.Ordinal);

        return new ComparisonPlan(
            tenantId, year, baseYear, template.Code, baseTemplate.Code,
            later.Select(p => p.Key).ToArray(), later.Select(p => p.code).ToArray(),
            earlier.Select(p => p.Key).ToArray(), earlier.Select(p => p.code).ToArray(),
            summable.Where(code => !covered.Contains(code)).ToArray());
    }
}
