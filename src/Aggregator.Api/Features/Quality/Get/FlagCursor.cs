using System.Buffers.Text;
using System.Text.Json;
using Aggregator.Domain.Quality;
using Aggregator.Domain.Templates;

namespace Aggregator.Api.Features.Quality.Get;

/// <summary>
/// Where a flag stands in the answer's order, which is the order of <see cref="QualityCheck.Flags"/>: unit code
/// (ordinal), the indicator's place in its template, the indicator code, the kind, the rule. No two flags share a
/// place, so a page that starts after a place neither repeats nor skips a flag that is still there.
/// </summary>
public readonly record struct FlagPlace(string OrgUnit, int Position, string Indicator, int Kind, string RuleId) : IComparable<FlagPlace>
{
    public static FlagPlace Of(QualityFlag flag, TemplateCatalog catalog) => new(
        flag.OrgUnit,
        catalog.Find(flag.Template) is { } template && template.TryGetPosition(flag.Indicator, out var position) ? position : int.MaxValue,
        flag.Indicator, (int)flag.Kind, flag.RuleId ?? "");

    public int CompareTo(FlagPlace other)
    {
        var order = string.CompareOrdinal(OrgUnit, other.OrgUnit);
        if (order == 0) order = Position.CompareTo(other.Position);
        if (order == 0) order = string.CompareOrdinal(Indicator, other.Indicator);
        if (order == 0) order = Kind.CompareTo(other.Kind);
        if (order == 0) order = string.CompareOrdinal(RuleId, other.RuleId);
        return order;
    }
}

/// <summary>
/// The <c>next</c> of a page of flags: opaque to clients (base64url of the last flag's place, and the unit and year
/// asked about, so that a cursor of another question is refused rather than answered with a wrong page).
/// </summary>
public static class FlagCursor
{
    public const int MaxLength = 1_000;
    private const int Fields = 7;

    public static string Write(string org, int year, FlagPlace last) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(
        new object[] { org, year, last.OrgUnit, last.Position, last.Indicator, last.Kind, last.RuleId }));

    /// <summary>The place a cursor of this unit and year stands for; null when it is not one this API gave for them.</summary>
    public static FlagPlace? Read(string? cursor, string org, int year)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > MaxLength || !Base64Url.IsValid(cursor)) return null;
        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(cursor));
            var fields = document.RootElement;
            if (fields.ValueKind != JsonValueKind.Array || fields.GetArrayLength() != Fields) return null;
            static string Text(JsonElement field) =>
                field.ValueKind == JsonValueKind.String ? field.GetString()! : throw new FormatException("Not a string.");
            if (Text(fields[0]) != org || fields[1].GetInt32() != year) return null;
            return new FlagPlace(Text(fields[2]), fields[3].GetInt32(), Text(fields[4]), fields[5].GetInt32(), Text(fields[6]));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            return null;
        }
    }
}
