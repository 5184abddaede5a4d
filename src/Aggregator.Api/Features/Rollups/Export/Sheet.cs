namespace Aggregator.Api.Features.Rollups.Export;

public enum RowKind
{
    Title,
    Heading,
    ColumnHeading,
    Figures,

    /// <summary>The signature block under the printed form (填报单位, 单位负责人, …): text without borders, not data.</summary>
    Signature,
}

/// <summary>
/// How a sheet prints: A4 landscape, one page wide; only its first <paramref name="Columns"/> columns (the columns
/// after them, such as the indicator codes, stay in the file for programs), and the rows from
/// <paramref name="RepeatFrom"/> to <paramref name="RepeatTo"/> (zero-based) repeated at the top of every page.
/// </summary>
public sealed record PrintLayout(int Columns, int? RepeatFrom = null, int? RepeatTo = null)
{
    /// <summary>The first printed column (zero-based): the columns before it stay in the file, off the paper.</summary>
    public int FirstColumn { get; init; }

    /// <summary>How many pages wide the sheet is scaled to: 1 for a form, more for a sheet too wide to read on one.</summary>
    public int PagesWide { get; init; } = 1;

    /// <summary>The last of the columns from <see cref="FirstColumn"/> repeated at the left of every page (the labels), if any.</summary>
    public int? RepeatColumnsTo { get; init; }
}

/// <summary>A line of a sheet; a cell holds a string, a number (decimal or int) or null for an empty cell.</summary>
public sealed record SheetRow(RowKind Kind, IReadOnlyList<object?> Cells);

/// <summary>Numbers as the files write them: invariant, without the trailing zeros of a numeric column's scale.</summary>
public static class Figures
{
    public static string Text(decimal value) => (value / 1.000000000000000000000000000000m).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Cells printed as one (a heading over several columns); zero-based, the value sits in the top-left cell.</summary>
public sealed record MergedCells(int Row, int Column, int Rows, int Columns);

/// <summary>
/// One sheet of the download, independent of the file format: the .xlsx writes every part of it, the .csv only
/// the rows (a merged heading reads as its top-left cell in both).
/// </summary>
public sealed class Sheet(string name, IReadOnlyList<double> columnWidths)
{
    private readonly List<(RowKind Kind, object?[] Cells)> rows = [];
    private readonly List<MergedCells> merges = [];

    public string Name { get; } = name;

    public IReadOnlyList<double> ColumnWidths { get; } = columnWidths;

    public IReadOnlyList<SheetRow> Rows => rows.Select(row => new SheetRow(row.Kind, row.Cells)).ToList();

    public int RowCount => rows.Count;

    public IReadOnlyList<MergedCells> Merges => merges;

    public int Width => ColumnWidths.Count;

    /// <summary>How the sheet prints; null for the sheet printing as the spreadsheet program chooses.</summary>
    public PrintLayout? Print { get; set; }

    /// <summary>Adds a row padded to the sheet's width; returns its index.</summary>
    public int Add(RowKind kind, params object?[] cells)
    {
        if (cells.Length > Width) throw new ArgumentException($"{cells.Length} cells in a sheet {Width} wide.", nameof(cells));
        rows.Add((kind, cells.Concat(Enumerable.Repeat<object?>(null, Width - cells.Length)).ToArray()));
        return rows.Count - 1;
    }

    /// <summary>Fills one cell of a row already added (a heading placed after its line was laid out).</summary>
    public void Set(int row, int column, object? value) => rows[row].Cells[column] = value;

    public void Merge(int row, int column, int rowCount, int columnCount)
    {
        if (rowCount * columnCount > 1) merges.Add(new MergedCells(row, column, rowCount, columnCount));
    }
}
