using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>A cell as a reader sees it: its text and whether the file stores it as a number.</summary>
public sealed record CellRead(string Text, bool IsNumber)
{
    public decimal Number => IsNumber ? decimal.Parse(Text, NumberStyles.Float, CultureInfo.InvariantCulture) : throw new InvalidOperationException($"'{Text}' is text, not a number");
}

/// <summary>A downloaded sheet read back with the OpenXML SDK (or from CSV): cells by zero-based row and column, merges by reference.</summary>
public sealed class SheetRead(IReadOnlyList<IReadOnlyList<CellRead?>> rows, IReadOnlyList<string> merges)
{
    public IReadOnlyList<IReadOnlyList<CellRead?>> Rows => rows;

    public IReadOnlyList<string> Merges => merges;

    public CellRead? this[int row, int column] => row < rows.Count && column < rows[row].Count ? rows[row][column] : null;

    public string? Text(int row, int column) => this[row, column]?.Text;

    /// <summary>The index of the first row whose cell in <paramref name="column"/> reads <paramref name="text"/>.</summary>
    public int RowWhere(int column, string text)
    {
        for (var r = 0; r < rows.Count; r++)
            if (Text(r, column) == text) return r;
        throw new Xunit.Sdk.XunitException($"No row has '{text}' in column {column}.");
    }

    public static IReadOnlyDictionary<string, SheetRead> ReadWorkbook(byte[] file)
    {
        using var stream = new MemoryStream(file);
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(item => item.InnerText).ToList() ?? [];
        var sheets = new Dictionary<string, SheetRead>(StringComparer.Ordinal);
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<Sheet>())
        {
            var worksheet = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet;
            var rows = new List<IReadOnlyList<CellRead?>>();
            foreach (var row in worksheet.GetFirstChild<SheetData>()!.Elements<Row>())
            {
                var index = (int)row.RowIndex!.Value - 1;
                while (rows.Count <= index) rows.Add([]);
                var cells = new List<CellRead?>();
                foreach (var cell in row.Elements<Cell>())
                {
                    var (r, c) = Position(cell.CellReference!);
                    while (cells.Count <= c) cells.Add(null);
                    cells[c] = Read(cell, shared);
                }
                rows[index] = cells;
            }
            var merges = worksheet.Elements<MergeCells>().SelectMany(m => m.Elements<MergeCell>()).Select(m => m.Reference!.Value!).ToList();
            sheets[sheet.Name!] = new SheetRead(rows, merges);
        }
        return sheets;
    }

    /// <summary>RFC 4180: fields separated by commas, quoted fields may hold commas, quotes (doubled) and line breaks.</summary>
    public static SheetRead ReadCsv(string text)
    {
        var rows = new List<IReadOnlyList<CellRead?>>();
        var row = new List<CellRead?>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(Field(field)); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(Field(field)); field.Clear();
                rows.Add(row); row = [];
                i++;
            }
            else field.Append(c);
        }
        Assert.True(row.Count == 0 && field.Length == 0, "the CSV ends with CRLF");
        return new SheetRead(rows, []);

        static CellRead? Field(StringBuilder field) =>
            field.Length == 0 ? null
            : new CellRead(field.ToString(), decimal.TryParse(field.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _));
    }

    private static CellRead? Read(Cell cell, List<string> shared)
    {
        if (cell.DataType?.Value == CellValues.InlineString) return new CellRead(cell.InlineString!.InnerText, false);
        if (cell.DataType?.Value == CellValues.SharedString) return new CellRead(shared[int.Parse(cell.CellValue!.Text, CultureInfo.InvariantCulture)], false);
        if (cell.DataType?.Value == CellValues.String) return new CellRead(cell.CellValue!.Text, false);
        return cell.CellValue is null ? null : new CellRead(cell.CellValue.Text, true);
    }

    public static (int Row, int Column) Position(string reference)
    {
        var column = 0;
        var i = 0;
        for (; i < reference.Length && char.IsAsciiLetter(reference[i]); i++) column = column * 26 + (reference[i] - 'A' + 1);
        return (int.Parse(reference[i..], CultureInfo.InvariantCulture) - 1, column - 1);
    }
}
