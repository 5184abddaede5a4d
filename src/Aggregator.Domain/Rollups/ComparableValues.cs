using Aggregator.Domain.Mappings;
using Aggregator.Domain.Values;

namespace Aggregator.Domain.Rollups;

/// <summary>
/// Puts the values of two templates on the keys of a mapping (<see cref="MappingEntry.Key"/>: the target
/// code, or codes joined with <c>+</c>) so that they can be compared. Codes the mapping does not list are
/// left out: not comparable, never zero.
/// </summary>
public static class ComparableValues
{
    /// <summary>Base-year values (the mapping's <see cref="TemplateMapping.From"/> template) in the later template's codes.</summary>
    public static ReportValues FromBase(TemplateMapping mapping, ReportValues baseValues) =>
        Project(mapping, baseValues, entry => entry.Sources);

    /// <summary>Later values summed per entry, so that a multi-target entry has one value to compare.</summary>
    public static ReportValues FromLater(TemplateMapping mapping, ReportValues laterValues) =>
        Project(mapping, laterValues, entry => entry.Targets);

    // A key whose codes are all missing is missing; otherwise the codes that are present are summed.
    private static ReportValues Project(TemplateMapping mapping, ReportValues values, Func<MappingEntry, IReadOnlyList<string>> codesOf) =>
        ReportValues.From(mapping.Entries.Select(entry =>
        {
            var present = codesOf(entry).Select(code => values[code]).Where(value => value is not null).ToList();
            return KeyValuePair.Create(entry.Key, present.Count == 0 ? null : present.Sum());
        }));
}
