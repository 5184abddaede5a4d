using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Aggregator.Api.Features.Reports.Import;

/// <summary>
/// Finds the statistics table in a Word document: the table whose header row starts with 统计指标 (or,
/// without one, the table with the most rows). Each row's first cell is the label and its last cell the value.
/// </summary>
public static class DocxTableReader
{
    private const long MaxCharactersInPart = 10_000_000;

    /// <exception cref="InvalidDataException">The stream is not a Word document.</exception>
    public static IReadOnlyList<TableRow> Read(Stream docx)
    {
        try
        {
            // A 1 MiB upload can inflate a thousandfold; a statistics table needs a few hundred KB of XML at most.
            using var document = WordprocessingDocument.Open(docx, isEditable: false, new OpenSettings { MaxCharactersInPart = MaxCharactersInPart });
            var tables = document.MainDocumentPart?.Document?.Body?.Descendants<Table>().ToList() ?? [];
            var table = tables.FirstOrDefault(t => Rows(t).FirstOrDefault() is { } first && Compact(first.Label) == "统计指标")
                        ?? tables.MaxBy(t => t.Elements<DocumentFormat.OpenXml.Wordprocessing.TableRow>().Count());
            return table is null ? [] : Rows(table).Where(row => Compact(row.Label) != "统计指标").ToList();
        }
        catch (Exception error) when (error is DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or FileFormatException
                                          or InvalidOperationException or System.Xml.XmlException or System.IO.InvalidDataException)
        {
            throw new InvalidDataException("The file is not a readable .docx document.", error);
        }
    }

    private static IEnumerable<TableRow> Rows(Table table) =>
        table.Elements<DocumentFormat.OpenXml.Wordprocessing.TableRow>()
            .Select(row => row.Elements<TableCell>().ToList())
            .Where(cells => cells.Count >= 2)
            .Select(cells => new TableRow(Text(cells[0]), Text(cells[^1])));

    private static string Text(TableCell cell) =>
        string.Join("", cell.Descendants<Text>().Select(text => text.Text)).Trim(' ', '\u00a0', '\u3000');

    private static string Compact(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}
