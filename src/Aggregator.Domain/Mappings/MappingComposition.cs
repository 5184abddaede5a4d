namespace Aggregator.Domain.Mappings;

/// <summary>
/// Composes A→B with B→C. Entries of both mappings that share B codes form a group; the group is comparable
/// A→C only when the B codes summed on the A→B side are exactly the B codes summed on the B→C side.
/// Otherwise part of a sum would be missing, so the group is left out (not comparable).
/// </summary>
internal static class MappingComposition
{
    public static TemplateMapping Compose(TemplateMapping first, TemplateMapping second)
    {
        if (first.To != second.From)
        {
            throw new ArgumentException($"cannot follow {first.From}→{first.To} with {second.From}→{second.To}", nameof(second));
        }

        var firstCount = first.Entries.Count;
        var parent = Enumerable.Range(0, firstCount + second.Entries.Count).ToArray();
        var firstByTarget = first.Entries
            .SelectMany((entry, index) => entry.Targets.Select(code => (code, index)))
            .ToDictionary(pair => pair.code, pair => pair.index, StringComparer.Ordinal);
        var secondSources = second.Entries.SelectMany(entry => entry.Sources).ToHashSet(StringComparer.Ordinal);

        var complete = new bool[parent.Length];
        Array.Fill(complete, true);
        for (var index = 0; index < second.Entries.Count; index++)
        {
            foreach (var code in second.Entries[index].Sources)
            {
                if (firstByTarget.TryGetValue(code, out var firstIndex))
                {
                    Union(parent, firstCount + index, firstIndex);
                }
                else
                {
                    complete[firstCount + index] = false;
                }
            }
        }

        for (var index = 0; index < firstCount; index++)
        {
            complete[index] = first.Entries[index].Targets.All(secondSources.Contains);
        }

        var groups = Enumerable.Range(0, parent.Length).GroupBy(node => Find(parent, node));
        var entries = new List<(int Order, MappingEntry Entry)>();
        foreach (var group in groups)
        {
            var firstEntries = group.Where(node => node < firstCount).Select(node => first.Entries[node]).ToList();
            var secondEntries = group.Where(node => node >= firstCount).Select(node => second.Entries[node - firstCount]).ToList();
            if (firstEntries.Count == 0 || secondEntries.Count == 0 || !group.All(node => complete[node]))
            {
                continue;
            }

            var reason = string.Join(" → ", firstEntries.Select(entry => entry.Reason).Concat(secondEntries.Select(entry => entry.Reason)).Distinct());
            entries.Add((group.Where(node => node >= firstCount).Min(), new MappingEntry(
                secondEntries.SelectMany(entry => entry.Targets).ToArray(),
                firstEntries.SelectMany(entry => entry.Sources).ToArray(),
                reason)));
        }

        return new TemplateMapping(
            first.From,
            second.To,
            entries.OrderBy(pair => pair.Order).Select(pair => pair.Entry).ToArray(),
            $"Composed: {first.From}→{first.To}→{second.To}.");
    }

    private static int Find(int[] parent, int node)
    {
        while (parent[node] != node)
        {
            node = parent[node] = parent[parent[node]];
        }

        return node;
    }

    private static void Union(int[] parent, int a, int b) => parent[Find(parent, a)] = Find(parent, b);
}
