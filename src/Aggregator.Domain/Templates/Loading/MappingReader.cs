using Aggregator.Domain.Mappings;

namespace Aggregator.Domain.Templates.Loading;

/// <summary>Reads a mapping file and checks its codes against both templates.</summary>
internal static class MappingReader
{
    public static TemplateMapping Read(string file, Stream content, Func<string, ReportTemplate?> findTemplate)
    {
        var json = JsonFile.Read<MappingJson>(file, content);
        var from = findTemplate(json.From ?? throw new TemplateLoadException(file, "mapping has no 'from' template"))
            ?? throw new TemplateLoadException(file, $"mapping names unknown template '{json.From}' in 'from'");
        var to = findTemplate(json.To ?? throw new TemplateLoadException(file, "mapping has no 'to' template"))
            ?? throw new TemplateLoadException(file, $"mapping names unknown template '{json.To}' in 'to'");

        var entries = (json.Entries ?? throw new TemplateLoadException(file, "mapping has no entries"))
            .SelectMany((entry, index) => Expand(file, entry, index))
            .ToList();
        foreach (var entry in entries)
        {
            Check(file, entry.Sources, from, "source");
            Check(file, entry.Targets, to, "target");
        }

        CheckDisjoint(file, entries.SelectMany(entry => entry.Sources), "source");
        CheckDisjoint(file, entries.SelectMany(entry => entry.Targets), "target");
        return new TemplateMapping(from.Code, to.Code, entries, json.Note);
    }

    private static IEnumerable<MappingEntry> Expand(string file, MappingEntryJson entry, int index)
    {
        var reason = string.IsNullOrWhiteSpace(entry.Reason)
            ? throw new TemplateLoadException(file, $"mapping entry #{index + 1} has no reason")
            : entry.Reason;
        if (entry.SameCells is { } same)
        {
            return (same.Rows ?? []).SelectMany(row => (same.Columns ?? []).Select(column => TemplateTable.CellCode(row, column)))
                .Select(code => new MappingEntry([code], [code], reason));
        }

        var targets = entry.Targets ?? (entry.Target is null ? null : [entry.Target]);
        if (targets is null || targets.Count == 0 || entry.Sources is null || entry.Sources.Count == 0)
        {
            throw new TemplateLoadException(file, $"mapping entry #{index + 1} needs a target (or targets) and sources, or sameCells");
        }

        return [new MappingEntry(targets, entry.Sources, reason)];
    }

    private static void Check(string file, IEnumerable<string> codes, ReportTemplate template, string side)
    {
        foreach (var code in codes.Where(code => template.FindIndicator(code) is null))
        {
            throw new TemplateLoadException(file, $"mapping {side} '{code}' is not an indicator of {template.Code}");
        }
    }

    // A code in two entries would be counted twice when mapped values are summed.
    private static void CheckDisjoint(string file, IEnumerable<string> codes, string side)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var code in codes.Where(code => !seen.Add(code)))
        {
            throw new TemplateLoadException(file, $"mapping {side} '{code}' appears in more than one entry");
        }
    }
}
