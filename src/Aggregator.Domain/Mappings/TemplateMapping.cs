namespace Aggregator.Domain.Mappings;

/// <summary>Comparable indicators from one template (<see cref="From"/>) to a later one (<see cref="To"/>).</summary>
public sealed record TemplateMapping(string From, string To, IReadOnlyList<MappingEntry> Entries, string? Note)
{
    public MappingEntry? FindByTarget(string targetCode) =>
        Entries.FirstOrDefault(entry => entry.Targets.Contains(targetCode, StringComparer.Ordinal));

    /// <summary>This mapping followed by <paramref name="next"/> (from <see cref="To"/> onwards).</summary>
    public TemplateMapping Then(TemplateMapping next) => MappingComposition.Compose(this, next);
}
