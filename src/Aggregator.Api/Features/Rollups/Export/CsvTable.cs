using System.Data;
using System.Globalization;
using System.Text;
using Sylvan.Data.Csv;

namespace Aggregator.Api.Features.Rollups.Export;

/// <summary>
/// A sheet as CSV (RFC 4180 as Sylvan.Data.Csv writes it: CRLF lines, a field with a comma, quote or line break in
/// quotes, quotes doubled) in UTF-8 with a byte-order mark, so that Excel reads the Chinese labels as UTF-8 and not in
/// the machine's ANSI code page. Every line has the sheet's width; a merged heading is its top-left cell.
/// </summary>
public static class CsvTable
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static byte[] Write(Sheet sheet)
    {
        using var table = new DataTable();
        for (var column = 0; column < sheet.Width; column++) table.Columns.Add($"c{column}", typeof(string));
        // The signature block belongs to the printed form, not to the data a program reads.
        foreach (var row in sheet.Rows.Where(row => row.Kind != RowKind.Signature))
            table.Rows.Add(Enumerable.Range(0, sheet.Width).Select(column => (object?)Field(column < row.Cells.Count ? row.Cells[column] : null)).ToArray());

        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = CsvDataWriter.Create(text, new CsvDataWriterOptions { WriteHeaders = false, NewLine = "\r\n" }))
            writer.Write(table.CreateDataReader());
        return [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string Field(object? cell) => cell switch
    {
        null => "",
        decimal number => Figures.Text(number),
        int number => number.ToString(CultureInfo.InvariantCulture),
        _ => Text(cell.ToString() ?? ""),
    };

    // Unit names are typed by tenant admins: text that a spreadsheet would take for a formula is written as text
    // (OWASP's CSV injection advice). Figures are numbers and stay as they are, minus sign included.
    private static string Text(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
}
