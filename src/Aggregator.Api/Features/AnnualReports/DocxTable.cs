using Aggregator.Api.Features.Rollups.Export;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Aggregator.Api.Features.AnnualReports;

/// <summary>
/// A sheet of the official layout as a Word table: the printed columns only, merged cells as gridSpan/vMerge, column
/// headings bold and centred and repeated on every page, figures centred, an empty figure "—". The label columns of a
/// table printed as one row hold nothing below its title and are left out, so that the fifteen figures get the width.
/// </summary>
internal static class DocxTable
{
    public const string Empty = "—";

    /// <param name="sheet">The table as <see cref="OfficialTable.Figures"/> lays it out.</param>
    /// <param name="dataFrom">The first column of figures: cells from it on in a figures row are values ("—" when empty).</param>
    public static Table Build(Sheet sheet, int dataFrom)
    {
        var printed = sheet.Print?.Columns ?? sheet.Width;
        var rows = sheet.Rows;
        // Printed as one row, a table has nothing under its label columns but its heading line: they are left out.
        var labelled = rows.Any(row => row.Kind != RowKind.Heading && row.Cells.Take(dataFrom).Any(cell => Text(cell) is { Length: > 0 }));
        var kept = Enumerable.Range(labelled ? 0 : dataFrom, labelled ? printed : printed - dataFrom).ToList();
        var merges = sheet.Merges
            .Select(m => (m, columns: kept.Where(c => c >= m.Column && c < m.Column + m.Columns).ToList()))
            .Where(pair => pair.columns.Count > 0)
            .ToList();

        var widths = Widths(sheet, kept);
        var small = kept.Count > 9;
        var table = new Table(new TableProperties(
            new TableWidth { Type = TableWidthUnitValues.Dxa, Width = DocxStyles.TextWidth.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            new TableJustification { Val = TableRowAlignmentValues.Center },
            // In the schema's order (Word refuses a document whose elements are out of it): borders, layout, margins.
            new TableBorders(
                new TopBorder { Val = BorderValues.Single, Size = 8 }, new LeftBorder { Val = BorderValues.Single, Size = 8 },
                new BottomBorder { Val = BorderValues.Single, Size = 8 }, new RightBorder { Val = BorderValues.Single, Size = 8 },
                new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 }),
            new TableLayout { Type = TableLayoutValues.Fixed },
            new TableCellMarginDefault(new TopMargin { Width = "20", Type = TableWidthUnitValues.Dxa },
                new TableCellLeftMargin { Width = 60, Type = TableWidthValues.Dxa },
                new BottomMargin { Width = "20", Type = TableWidthUnitValues.Dxa },
                new TableCellRightMargin { Width = 60, Type = TableWidthValues.Dxa })));
        table.Append(new TableGrid(widths.Select(width => new GridColumn { Width = width.ToString(System.Globalization.CultureInfo.InvariantCulture) })));

        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var line = new TableRow();
            var rowProperties = new TableRowProperties(new CantSplit());
            if (row.Kind == RowKind.ColumnHeading) rowProperties.Append(new TableHeader());
            line.Append(rowProperties);
            for (var k = 0; k < kept.Count;)
            {
                var column = kept[k];
                var merge = merges.FirstOrDefault(pair => r >= pair.m.Row && r < pair.m.Row + pair.m.Rows && pair.columns.Contains(column));
                if (merge.m is { } m)
                {
                    var span = merge.columns.Count;
                    var first = r == m.Row;
                    var text = first ? CellText(row, m.Column, dataFrom) : "";
                    line.Append(Cell(text, row.Kind, m.Column, dataFrom, widths.Skip(k).Take(span).Sum(), span,
                        m.Rows > 1 ? (first ? MergedCellValues.Restart : MergedCellValues.Continue) : null, small));
                    k += span;
                    continue;
                }
                line.Append(Cell(CellText(row, column, dataFrom), row.Kind, column, dataFrom, widths[k], 1, null, small));
                k++;
            }
            table.Append(line);
        }
        return table;
    }

    private static string CellText(SheetRow row, int column, int dataFrom)
    {
        var text = Text(row.Cells[column]);
        return text is null && row.Kind == RowKind.Figures && column >= dataFrom ? Empty : text ?? "";
    }

    private static string? Text(object? cell) => cell switch
    {
        null => null,
        decimal number => Figures.Text(number),
        int number => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => cell.ToString(),
    };

    private static TableCell Cell(string text, RowKind kind, int column, int dataFrom, int width, int span, MergedCellValues? vertical, bool small)
    {
        var properties = new TableCellProperties(new TableCellWidth { Type = TableWidthUnitValues.Dxa, Width = width.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        if (span > 1) properties.Append(new GridSpan { Val = span });
        if (vertical is not null) properties.Append(new VerticalMerge { Val = vertical.Value });
        properties.Append(new TableCellVerticalAlignment { Val = TableVerticalAlignmentValues.Center });

        var figure = kind == RowKind.Figures && column >= dataFrom;
        var centred = kind == RowKind.ColumnHeading || figure || (kind == RowKind.Figures && column == dataFrom - 1 && dataFrom == 3);
        var paragraphProperties = new ParagraphProperties(new ParagraphStyleId { Val = DocxStyles.TableText });
        // Heading lines (the table's title, its column headings, a group's heading) stay on the page of the line after them.
        if (kind is RowKind.ColumnHeading or RowKind.Heading) paragraphProperties.Append(new KeepNext());
        if (centred) paragraphProperties.Append(new Justification { Val = JustificationValues.Center });
        var runProperties = new RunProperties();
        if (kind is RowKind.ColumnHeading or RowKind.Heading) runProperties.Append(new Bold(), new BoldComplexScript());
        if (small) runProperties.Append(new FontSize { Val = "16" }, new FontSizeComplexScript { Val = "16" });
        return new TableCell(properties, new Paragraph(paragraphProperties,
            new Run(runProperties, new DocumentFormat.OpenXml.Wordprocessing.Text(text) { Space = SpaceProcessingModeValues.Preserve })));
    }

    /// <summary>The sheet's column widths scaled to the text width; the flat table's 序号 column made wide enough for （一）.</summary>
    private static int[] Widths(Sheet sheet, IReadOnlyList<int> kept)
    {
        var relative = kept.Select(c => sheet.ColumnWidths[c]).ToArray();
        if (kept.Count == 4 && sheet.Print?.Columns == 4) relative = [14, 80, 10, 14];
        // Wide enough for （一） and 第二十条第（一）项 on two lines.
        else if (kept.Count > 2 && kept[0] == 0) relative[0] = Math.Max(relative[0], 16);
        var total = relative.Sum();
        var widths = relative.Select(w => (int)(w / total * DocxStyles.TextWidth)).ToArray();
        widths[^1] += DocxStyles.TextWidth - widths.Sum();
        return widths;
    }
}
