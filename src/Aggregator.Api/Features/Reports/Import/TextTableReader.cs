namespace Aggregator.Api.Features.Reports.Import;

/// <summary>
/// Finds the statistics table in the text of an annual report, as such reports are published (and as the
/// seed is): after the title 政府信息公开情况统计表 and the header 统计指标 / 单位 / 统计数, each row is three
/// cells, one per line — label, unit, value — with blank lines between rows. A row on one line with its
/// cells separated by tabs is read too.
/// </summary>
public static class TextTableReader
{
    public const string Title = "政府信息公开情况统计表";
    public const string Format = "text";

    /// <summary>The lines of a document's text, whatever its line breaks.</summary>
    public static string[] Lines(string text) => text.ReplaceLineEndings("\n").Split('\n');

    /// <param name="lines">The document's text as <see cref="Lines"/> splits it.</param>
    /// <exception cref="DocumentTooLargeException">The table has more than <see cref="DocumentLimits.MaxTableRows"/> rows.</exception>
    public static IReadOnlyList<TableRow> Read(string[] lines)
    {
        var title = Array.FindIndex(lines, line => Compact(line).Contains(Title, StringComparison.Ordinal));
        if (title < 0) return [];
        var header = Array.FindIndex(lines, title, line => Compact(line).StartsWith("统计指标", StringComparison.Ordinal));
        if (header < 0) return [];

        var rows = Compact(lines[header]) == "统计指标" ? ReadCellPerLine(lines, header) : ReadRowPerLine(lines, header);
        if (rows.Count > DocumentLimits.MaxTableRows)
            throw new DocumentTooLargeException(
                $"The statistics table has more than {DocumentLimits.MaxTableRows:N0} rows; the official table has fewer than 300.");
        return rows;
    }

    /// <summary>Header cells 单位 and 统计数 follow on their own lines; then groups of non-blank-separated cells.</summary>
    private static List<TableRow> ReadCellPerLine(string[] lines, int header)
    {
        var rows = new List<TableRow>();
        var cells = new List<string>();
        foreach (var line in lines.Skip(header + 3).Append(""))
        {
            // A row's cells are consecutive lines (an empty cell is a line of whitespace); a line that is
            // entirely empty ends the row.
            if (line.Length == 0)
            {
                if (cells.Count >= 2) rows.Add(new TableRow(cells[0], cells[^1]));
                cells.Clear();
                if (rows.Count > DocumentLimits.MaxTableRows) break;
                continue;
            }
            cells.Add(Trim(line));
        }
        return rows;
    }

    private static List<TableRow> ReadRowPerLine(string[] lines, int header) =>
        lines.Skip(header + 1)
            .Select(line => line.Split('\t'))
            .Where(cells => cells.Length >= 2 && Trim(cells[0]).Length > 0)
            .Select(cells => new TableRow(Trim(cells[0]), Trim(cells[^1])))
            .Take(DocumentLimits.MaxTableRows + 1)
            .ToList();

    private static string Trim(string cell) => DocumentLimits.Clip(cell.Trim(' ', '\t', '\u00a0', '\u3000', '\r'));

    private static string Compact(string line) => string.Concat(line.Where(c => !char.IsWhiteSpace(c)));
}
