using System.Collections;

namespace Aggregator.Domain.Values;

/// <summary>
/// The figures of one report: code → value. Null is a cell left empty: missing, never zero.
/// A code that is absent reads as missing too.
/// </summary>
public sealed class ReportValues : IReadOnlyDictionary<string, decimal?>
{
    private readonly Dictionary<string, decimal?> values;

    private ReportValues(Dictionary<string, decimal?> values) => this.values = values;

    public static ReportValues Empty { get; } = new(new Dictionary<string, decimal?>(StringComparer.Ordinal));

    public int Count => values.Count;

    public IEnumerable<string> Keys => values.Keys;

    IEnumerable<decimal?> IReadOnlyDictionary<string, decimal?>.Values => values.Values;

    /// <summary>The value of <paramref name="code"/>, or null when it is missing or absent.</summary>
    public decimal? this[string code] => values.GetValueOrDefault(code);

    /// <exception cref="ArgumentException">A code appears twice.</exception>
    public static ReportValues From(IEnumerable<KeyValuePair<string, decimal?>> values)
    {
        var copy = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        foreach (var (code, value) in values)
        {
            copy.Add(code, value);
        }

        return new ReportValues(copy);
    }

    public static ReportValues From(params (string Code, decimal? Value)[] values) =>
        From(values.Select(pair => KeyValuePair.Create(pair.Code, pair.Value)));

    /// <summary>A copy with <paramref name="code"/> set to <paramref name="value"/>.</summary>
    public ReportValues With(string code, decimal? value) =>
        new(new Dictionary<string, decimal?>(values, StringComparer.Ordinal) { [code] = value });

    public bool ContainsKey(string key) => values.ContainsKey(key);

    public bool TryGetValue(string key, out decimal? value) => values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, decimal?>> GetEnumerator() => values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
