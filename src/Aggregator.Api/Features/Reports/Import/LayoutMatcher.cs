using System.Globalization;
using System.Text.RegularExpressions;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Values;

namespace Aggregator.Api.Features.Reports.Import;

/// <summary>A table row no indicator of the template matched.</summary>
public sealed record UnmappedRow(string Label, string Value);

/// <summary>What the rows of a table gave: values by code, rows no layout row took, indicators no row gave; <see cref="MatchedRows"/> counts the rows a layout row took (headings included).</summary>
public sealed record LayoutMatch(IReadOnlyList<RawValue> Values, IReadOnlyList<UnmappedRow> Unmapped, IReadOnlyList<string> NotFound, int MatchedRows);

/// <summary>
/// Maps the rows of a found table to the template's layout by label, ignoring whitespace and the leading
/// numbering (一、 （一） 1. 其中：). Labels repeat in the 2017 table (被依法纠错数 under both 行政复议 and
/// 行政诉讼), so rows are matched in order: each row takes the next layout row with its label.
/// </summary>
public static partial class LayoutMatcher
{
    public static LayoutMatch Match(ReportTemplate template, IReadOnlyList<TableRow> rows)
    {
        var layout = template.Layout.Select(row => (Row: row, Label: Normalise(row.Label))).ToList();
        var taken = new bool[layout.Count];
        var values = new List<RawValue>();
        var unmapped = new List<UnmappedRow>();
        var cursor = 0;

        foreach (var row in rows)
        {
            var label = Normalise(row.Label);
            var index = FindFrom(layout, taken, label, cursor);
            if (index < 0) index = FindFrom(layout, taken, label, 0);
            if (index < 0)
            {
                if (label.Length > 0) unmapped.Add(new UnmappedRow(row.Label, row.Value));
                continue;
            }

            taken[index] = true;
            cursor = index + 1;
            if (!layout[index].Row.IsGroup) values.Add(Value(layout[index].Row.Code, row.Value));
        }

        var notFound = layout.Where((row, index) => !taken[index] && !row.Row.IsGroup).Select(row => row.Row.Code).ToList();
        return new LayoutMatch(values, unmapped, notFound, taken.Count(row => row));
    }

    /// <summary>An empty cell is missing (not zero); a number is a number; anything else goes to the validator as text.</summary>
    private static RawValue Value(string code, string text)
    {
        var cell = text.Replace(",", "", StringComparison.Ordinal).Trim();
        if (cell.Length == 0) return new RawValue(code, RawValueKind.Missing, 0m, null);
        // Checked against the cell's digits: a figure finer than decimal holds is refused, not rounded.
        return decimal.TryParse(cell, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
            ? ExactDecimal.Value(code, cell, number)
            : new RawValue(code, RawValueKind.Text, 0m, text);
    }

    private static int FindFrom(List<(LayoutRow Row, string Label)> layout, bool[] taken, string label, int start)
    {
        for (var index = start; index < layout.Count; index++)
            if (!taken[index] && layout[index].Label == label) return index;
        return -1;
    }

    public static string Normalise(string label)
    {
        var compact = string.Concat(label.Where(c => !char.IsWhiteSpace(c) && c != '\u00a0' && c != '\u3000'))
            .Replace('(', '（').Replace(')', '）').Replace(':', '：');
        string stripped;
        while ((stripped = Numbering().Replace(compact, "")) != compact) compact = stripped;
        return compact;
    }

    [GeneratedRegex(@"^(其中：|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、])")]
    private static partial Regex Numbering();
}
