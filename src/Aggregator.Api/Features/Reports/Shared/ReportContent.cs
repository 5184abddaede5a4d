using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Values;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>
/// The canonical form of a report: template and values sorted by code, numbers without trailing zeros,
/// nulls kept as sent, and the note. Equal reports have equal hashes whatever the key order or number spelling, and
/// whether an empty cell was sent as null or left out: both are a missing value. The note is content: the same
/// figures with another note ("1.1 corrected") are another version, not an unchanged one.
/// </summary>
public sealed class ReportContent
{
    private ReportContent(ReportTemplate template, IReadOnlyList<KeyValuePair<string, decimal?>> values, string? note)
    {
        Definition = template;
        Template = template.Code;
        Values = values;
        ValuesJson = WriteValues(values);
        var figures = $"{template.Code}\n{WriteValues(values.Where(pair => pair.Value is not null).ToList())}";
        // Without a note the hash is the figures' alone, as it was before notes counted: versions stored then keep
        // comparing equal to the same figures sent again without a note.
        Hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.IsNullOrEmpty(note) ? figures : $"{figures}\nnote\n{note}"));
    }

    public string Template { get; }

    /// <summary>The template itself, resolved once by the endpoint from the catalog.</summary>
    public ReportTemplate Definition { get; }

    /// <summary>Sorted by code (ordinal); null is a cell reported empty.</summary>
    public IReadOnlyList<KeyValuePair<string, decimal?>> Values { get; }

    /// <summary>The values as one JSON object, as stored in report_versions.values.</summary>
    public string ValuesJson { get; }

    /// <summary>Over the template, the reported figures and the note; an empty cell counts the same sent as null or left out, no note the same as an empty one.</summary>
    public byte[] Hash { get; }

    /// <summary>
    /// Only for input that passed validation: every entry a number or missing, no code twice. <paramref name="note"/> is the
    /// note the version will be stored with: an identical version is one with the same figures and the same note.
    /// </summary>
    public static ReportContent From(ReportTemplate template, IEnumerable<RawValue> entries, string? note) =>
        new(template, entries
            .Select(entry => KeyValuePair.Create(entry.Code, entry.Kind == RawValueKind.Number ? Normalise(entry.Number) : (decimal?)null))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .ToList(), note);

    /// <summary>975.00 → 975: the value, not its spelling.</summary>
    public static decimal Normalise(decimal value) => value / 1.000000000000000000000000000000000m;

    public static string Format(decimal value) => Normalise(value).ToString(CultureInfo.InvariantCulture);

    private static string WriteValues(IReadOnlyList<KeyValuePair<string, decimal?>> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (code, value) in values)
            {
                if (value is { } number) writer.WriteNumber(code, number);
                else writer.WriteNull(code);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
