using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Aggregator.Api.Features.Rollups.Export;

/// <summary>
/// Writes sheets as an .xlsx with the OpenXML SDK: strings inline, figures as numeric cells, empty cells left out,
/// headings merged over the columns they head, bold headings and thin borders round the table; rows as tall as
/// their wrapped text. A sheet with a <see cref="PrintLayout"/> prints on A4 landscape, fitted to its pages wide, its heading
/// rows repeated on every page (the print area and print titles as defined names).
/// </summary>
public static class XlsxWorkbook
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // Indexes into the CellFormats of Styles(), by what the cell is.
    private const uint PlainStyle = 0, TitleStyle = 1, HeadingStyle = 2, ColumnHeadingStyle = 3, TextStyle = 4, NumberStyle = 5;

    public static byte[] Write(IReadOnlyList<Sheet> sheets)
    {
        using var buffer = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(buffer, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();
            var list = workbook.Workbook.AppendChild(new Sheets());
            var names = new DefinedNames();
            foreach (var (sheet, index) in sheets.Select((sheet, index) => (sheet, index)))
            {
                if (sheet.Print is { } print) names.Append(PrintNames(sheet, print, (uint)index));
                var part = workbook.AddNewPart<WorksheetPart>();
                part.Worksheet = Worksheet(sheet);
                list.Append(new DocumentFormat.OpenXml.Spreadsheet.Sheet
                {
                    Id = workbook.GetIdOfPart(part),
                    SheetId = (uint)index + 1,
                    Name = sheet.Name,
                });
            }
            if (names.HasChildren) workbook.Workbook.Append(names);
        }
        return buffer.ToArray();
    }

    private static Worksheet Worksheet(Sheet sheet)
    {
        var columns = new Columns(sheet.ColumnWidths.Select((width, i) =>
            new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = width, CustomWidth = true }));
        var data = new SheetData();
        foreach (var (row, r) in sheet.Rows.Select((row, r) => (row, r)))
        {
            var line = new Row { RowIndex = (uint)r + 1 };
            if (Lines(sheet, row, r) is > 1 and var lines)
            {
                line.Height = Math.Min(lines * LineHeight + 3, MaxRowHeight);
                line.CustomHeight = true;
            }
            for (var c = 0; c < row.Cells.Count; c++)
            {
                if (Cell(row.Kind, row.Cells[c], Reference(r, c)) is { } cell) line.Append(cell);
            }
            data.Append(line);
        }

        var worksheet = new Worksheet(columns, data);
        if (sheet.Print is not null)
            worksheet.PrependChild(new SheetProperties(new PageSetupProperties { FitToPage = true }));
        if (sheet.Merges.Count > 0)
            worksheet.Append(new MergeCells(sheet.Merges.Select(m =>
                new MergeCell { Reference = $"{Reference(m.Row, m.Column)}:{Reference(m.Row + m.Rows - 1, m.Column + m.Columns - 1)}" })));
        if (sheet.Print is not null)
        {
            worksheet.Append(
                new PrintOptions { HorizontalCentered = true },
                new PageMargins { Left = 0.5, Right = 0.5, Top = 0.6, Bottom = 0.6, Header = 0.3, Footer = 0.3 },
                // 9 is A4; fitting to 1 page wide and 0 (as many as it takes) tall.
                new PageSetup { PaperSize = 9, Orientation = OrientationValues.Landscape, FitToWidth = (uint)sheet.Print.PagesWide, FitToHeight = 0 });
        }
        return worksheet;
    }

    private static IEnumerable<DefinedName> PrintNames(Sheet sheet, PrintLayout print, uint index)
    {
        var quoted = $"'{sheet.Name.Replace("'", "''", StringComparison.Ordinal)}'";
        yield return new DefinedName($"{quoted}!${ColumnLetters(print.FirstColumn)}$1:${ColumnLetters(print.Columns - 1)}${sheet.RowCount}")
        {
            Name = "_xlnm.Print_Area",
            LocalSheetId = index,
        };
        // Columns repeated at the left and rows at the top, as Excel writes them: "'s'!$B:$C,'s'!$2:$3".
        var titles = new List<string>();
        if (print.RepeatColumnsTo is { } lastLabel)
            titles.Add($"{quoted}!${ColumnLetters(print.FirstColumn)}:${ColumnLetters(lastLabel)}");
        if (print is { RepeatFrom: { } from, RepeatTo: { } to })
            titles.Add($"{quoted}!${from + 1}:${to + 1}");
        if (titles.Count > 0)
            yield return new DefinedName(string.Join(',', titles)) { Name = "_xlnm.Print_Titles", LocalSheetId = index };
    }

    // Points per line of 11-point text, and the width of a CJK character in column-width units (the width of a '0'):
    // about 2 in Excel and WPS; LibreOffice sets CJK text narrower, so its rows come out a little taller than needed.
    private const double LineHeight = 15, WideCharacter = 2.1;

    // The tallest row Excel allows, in points: a longer text (a unit's name typed without end) is cut, not refused.
    private const double MaxRowHeight = 409;

    /// <summary>
    /// How many lines the tallest cell of a row wraps onto: its text's width over its column's (or merged columns')
    /// width. A program that lays text out itself may differ a little; a row too tall beats text cut off.
    /// </summary>
    private static int Lines(Sheet sheet, SheetRow row, int r)
    {
        var lines = 1;
        for (var c = 0; c < row.Cells.Count; c++)
        {
            if (row.Cells[c] is not string text) continue;
            var merge = sheet.Merges.FirstOrDefault(m => m.Row == r && m.Column == c);
            if (merge is { Rows: > 1 }) continue;
            var width = sheet.ColumnWidths.Skip(c).Take(merge?.Columns ?? 1).Sum() - 1;
            var needed = text.Sum(ch => ch > '\u2E80' ? WideCharacter : 1);
            lines = Math.Max(lines, (int)Math.Ceiling(needed / Math.Max(width, 1)));
        }
        return lines;
    }

    private static Cell? Cell(RowKind kind, object? value, string reference)
    {
        var style = kind switch
        {
            RowKind.Title => TitleStyle,
            RowKind.Heading => HeadingStyle,
            RowKind.ColumnHeading => ColumnHeadingStyle,
            RowKind.Signature => PlainStyle,
            _ => value is string ? TextStyle : NumberStyle,
        };
        return value switch
        {
            // A title line is text on its own; an empty cell inside the table still gets its border.
            null when kind is RowKind.Title or RowKind.Signature => null,
            null => new Cell { CellReference = reference, StyleIndex = style },
            string text => new Cell(new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }))
            {
                CellReference = reference,
                DataType = CellValues.InlineString,
                StyleIndex = style,
            },
            decimal number => new Cell(new CellValue(Figures.Text(number))) { CellReference = reference, DataType = CellValues.Number, StyleIndex = style },
            int number => new Cell(new CellValue(number)) { CellReference = reference, DataType = CellValues.Number, StyleIndex = style },
            _ => throw new ArgumentException($"A cell of type {value.GetType().Name} has no .xlsx form.", nameof(value)),
        };
    }

    /// <summary>A1-style reference of a zero-based cell.</summary>
    public static string Reference(int row, int column) => $"{ColumnLetters(column)}{row + 1}";

    /// <summary>The letters of a zero-based column: A … Z, AA ….</summary>
    private static string ColumnLetters(int column)
    {
        var letters = "";
        for (var n = column + 1; n > 0; n = (n - 1) / 26) letters = (char)('A' + (n - 1) % 26) + letters;
        return letters;
    }

    private static Stylesheet Styles()
    {
        var thin = new Border(
            new LeftBorder { Style = BorderStyleValues.Thin }, new RightBorder { Style = BorderStyleValues.Thin },
            new TopBorder { Style = BorderStyleValues.Thin }, new BottomBorder { Style = BorderStyleValues.Thin }, new DiagonalBorder());
        CellFormat Format(uint font, uint border, Alignment? alignment = null) => new()
        {
            FontId = font, FillId = 0, BorderId = border, NumberFormatId = 0,
            ApplyFont = font != 0, ApplyBorder = border != 0, ApplyAlignment = alignment is not null,
            Alignment = alignment,
        };
        return new Stylesheet(
            new Fonts(new Font(new FontSize { Val = 11 }), new Font(new Bold(), new FontSize { Val = 11 })),
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
            new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder()), thin),
            new CellFormats(
                Format(0, 0),
                Format(1, 0),
                Format(1, 1, new Alignment { Vertical = VerticalAlignmentValues.Center, WrapText = true }),
                Format(1, 1, new Alignment { Horizontal = HorizontalAlignmentValues.Center, Vertical = VerticalAlignmentValues.Center, WrapText = true }),
                Format(0, 1, new Alignment { Vertical = VerticalAlignmentValues.Center, WrapText = true }),
                Format(0, 1, new Alignment { Vertical = VerticalAlignmentValues.Center })));
    }
}
