using System.Text.Json;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Values;

namespace Aggregator.Api.Features.Reports.Patch;

/// <summary>
/// RFC 7396 over a report's figures: a number sets a cell, null empties it, a code the patch leaves out keeps the
/// current version's value. What the patch holds that is not a number or null stays as it came, for the validator to
/// refuse against its indicator, as in a POST.
/// </summary>
public static class FigurePatch
{
    public static ReportInput Apply(IReadOnlyDictionary<string, decimal?> current, ReportInput patch)
    {
        var merged = new Dictionary<string, RawValue>(StringComparer.Ordinal);
        foreach (var (code, value) in current) merged[code] = RawValue.Of(code, value);
        foreach (var entry in patch.Entries) merged[entry.Code] = entry;
        return ReportInput.From(merged.Values);
    }

    /// <summary>The codes whose value differs between the current figures and the patched ones (null ≠ 0), in the template's order.</summary>
    public static IReadOnlyList<string> Changed(IReadOnlyDictionary<string, decimal?> current, ReportContent patched, ReportTemplate template)
    {
        var after = patched.Values.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        return current.Keys.Union(after.Keys, StringComparer.Ordinal)
            .Where(code => current.GetValueOrDefault(code) != after.GetValueOrDefault(code))
            .OrderBy(code => template.TryGetPosition(code, out var position) ? position : int.MaxValue)
            .ThenBy(code => code, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The patch as "the same request" for Idempotency-Key: its entries sorted by code, each with its kind and text, so
    /// that key order and number spelling do not matter, and null (empty the cell) differs from a code left out.
    /// </summary>
    public static string Canonical(ReportInput patch) => JsonSerializer.Serialize(patch.Entries
        .OrderBy(entry => entry.Code, StringComparer.Ordinal)
        .Select(entry => new[]
        {
            entry.Code, entry.Kind.ToString(),
            entry.Kind == RawValueKind.Number && entry.Raw is null ? ReportContent.Format(entry.Number) : entry.Raw,
        }));
}
