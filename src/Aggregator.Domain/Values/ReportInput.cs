using System.Text.Json;

namespace Aggregator.Domain.Values;

/// <summary>
/// The values object of a submission as received, including what is not a number, so that the validator
/// can report each bad value against its indicator instead of the whole body failing to parse.
/// </summary>
public sealed class ReportInput
{
    private ReportInput(RawValue[] entries, bool isObject)
    {
        Entries = entries;
        IsObject = isObject;
    }

    /// <summary>In the order received; a code may repeat (the validator reports it).</summary>
    public IReadOnlyList<RawValue> Entries { get; }

    /// <summary>False when the values were not a JSON object at all.</summary>
    public bool IsObject { get; }

    /// <summary>
    /// Whether any value is a number. A report of nothing but empty cells carries no figure: stored, it would
    /// replace a unit's figures with nothing.
    /// </summary>
    public bool HasFigures => Entries.Any(entry => entry.Kind == RawValueKind.Number);

    internal RawValue[] EntryArray => (RawValue[])Entries;

    public static ReportInput From(ReportValues values) =>
        new(values.Select(pair => RawValue.Of(pair.Key, pair.Value)).ToArray(), isObject: true);

    public static ReportInput From(IEnumerable<RawValue> entries) => new(entries.ToArray(), isObject: true);

    /// <summary>Never throws: odd values are kept as <see cref="RawValueKind.Text"/> or <see cref="RawValueKind.NotANumber"/>.</summary>
    public static ReportInput FromJson(JsonElement valuesObject)
    {
        if (valuesObject.ValueKind != JsonValueKind.Object)
        {
            return new ReportInput([], isObject: false);
        }

        var entries = new List<RawValue>();
        foreach (var property in valuesObject.EnumerateObject())
        {
            entries.Add(Read(property.Name, property.Value));
        }

        return new ReportInput([.. entries], isObject: true);
    }

    private static RawValue Read(string code, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => new RawValue(code, RawValueKind.Missing, 0m, null),
        // The raw text, not just the decimal: a number finer than decimal holds must not arrive rounded.
        JsonValueKind.Number when value.TryGetDecimal(out var number) => ExactDecimal.Value(code, value.GetRawText(), number),
        JsonValueKind.String => new RawValue(code, RawValueKind.Text, 0m, value.GetString()),
        _ => new RawValue(code, RawValueKind.NotANumber, 0m, value.GetRawText()),
    };
}
