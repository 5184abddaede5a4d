using System.Text;

namespace Aggregator.Api.Features.Rollups.Export;

/// <summary>
/// A sheet as CSV (RFC 4180: CRLF lines, a field with a comma, quote or line break in quotes, quotes doubled) in
/// UTF-8 with a byte-order mark, so that Excel reads the Chinese labels as UTF-8 and not in the machine's ANSI code
/// page. Every line has the sheet's width; a merged heading is its top-left cell.
/// </summary>
public static class CsvTable
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static byte[] Write(Sheet sheet)
    {
        var text = new StringBuilder();
        foreach (var row in sheet.Rows)
        {
            text.AppendJoin(',', row.Cells.Select(Field));
            text.Append("\r\n");
        }
        return [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string Field(object? cell) => cell switch
    {
        null => "",
        decimal number => Figures.Text(number),
        int number => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Quoted(Text(cell.ToString() ?? "")),
    };

    private static string Quoted(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    // Unit names are typed by tenant admins: text that a spreadsheet would take for a formula is written as text
    // (OWASP's CSV injection advice). Figures are numbers and stay as they are, minus sign included.
    private static string Text(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
}
