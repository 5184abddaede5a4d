using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>Values that serialise in the order given (the template's), not a hash table's.</summary>
public sealed class OrderedValues(IReadOnlyList<KeyValuePair<string, decimal?>> pairs) : IReadOnlyDictionary<string, decimal?>
{
    private readonly Dictionary<string, decimal?> lookup = pairs.ToDictionary(StringComparer.Ordinal);

    public decimal? this[string key] => lookup[key];
    public IEnumerable<string> Keys => pairs.Select(pair => pair.Key);
    public IEnumerable<decimal?> Values => pairs.Select(pair => pair.Value);
    public int Count => pairs.Count;
    public bool ContainsKey(string key) => lookup.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out decimal? value) => lookup.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, decimal?>> GetEnumerator() => pairs.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
