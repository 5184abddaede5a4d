using Aggregator.Api.Features.Shared;
using System.Globalization;
using Aggregator.Domain.Templates;

namespace Aggregator.Api.Features.Rollups.Export;

/// <summary>
/// Sheet 1, the district's table as the form prints it: the template's rows in order with their headings, labels
/// and units, and the consolidated values; a cell nobody reported stays empty. A flat template is one line per row;
/// the matrices of the national format are rows × columns under their column headings, and a table printed as one
/// row (四) has its cells side by side under the row and column headings.
/// </summary>
public static class OfficialTable
{
    public const string SheetName = "汇总表";

    private const int LabelColumns = 2;

    public static Sheet Build(StoredRollup rollup, TimeZoneInfo timeZone) =>
        rollup.Template.Tables.Count == 0 ? Flat(rollup, timeZone) : Matrices(rollup, timeZone);

    /// <summary>
    /// The table alone, as other documents print it (the annual report): the rows of a flat template, or one matrix of
    /// the national format under its heading line; without the download's title and signature lines.
    /// </summary>
    public static Sheet Figures(ReportTemplate template, string? tableCode, Func<string, decimal?> valueOf)
    {
        if (tableCode is null)
        {
            var flat = new Sheet(SheetName, [8, 90, 10, 14, 10]);
            AddFlatRows(flat, template, valueOf);
            return flat;
        }
        var table = template.Tables.Single(t => t.Code == tableCode);
        var sheet = new Sheet(SheetName, [12, 56, .. Enumerable.Repeat(12d, DataColumns(table))]);
        AddMatrix(sheet, table, valueOf);
        sheet.Print = new PrintLayout(sheet.Width);
        return sheet;
    }

    private static Sheet Flat(StoredRollup rollup, TimeZoneInfo timeZone)
    {
        var sheet = new Sheet(SheetName, [8, 90, 10, 14, 10]);
        AddTitle(sheet, rollup, timeZone);
        AddFlatRows(sheet, rollup.Template, rollup.ValueOf);
        AddSignatures(sheet, rollup, timeZone, sheet.Width - 1);
        return sheet;
    }

    private static void AddFlatRows(Sheet sheet, ReportTemplate template, Func<string, decimal?> valueOf)
    {
        var heading = sheet.Add(RowKind.ColumnHeading, "序号", "指标名称", "计量单位", "数值", "代码");
        // The codes (the last column) are for programs: the printed form stops before them.
        sheet.Print = new PrintLayout(sheet.Width - 1, heading, heading);
        var indicators = template.Indicators.ToDictionary(indicator => indicator.Code, StringComparer.Ordinal);
        foreach (var row in template.Layout)
        {
            if (row.IsGroup)
                sheet.Add(RowKind.Heading, row.Numbering, row.Label, null, null, row.Code);
            else
                sheet.Add(RowKind.Figures, row.Numbering, row.Label, indicators[row.Code].Unit, valueOf(row.Code), row.Code);
        }
    }

    private static int DataColumns(TemplateTable table) => table.PrintedAsOneRow ? table.DataRows.Count() * table.Columns.Count : table.Columns.Count;

    private static Sheet Matrices(StoredRollup rollup, TimeZoneInfo timeZone)
    {
        var dataColumns = rollup.Template.Tables.Max(DataColumns);
        var sheet = new Sheet(SheetName, [12, 56, .. Enumerable.Repeat(12d, dataColumns)]);
        AddTitle(sheet, rollup, timeZone);
        string? section = null;
        foreach (var table in rollup.Template.Tables)
        {
            if (table.Section is not null && table.Section != section)
                sheet.Merge(sheet.Add(RowKind.Heading, table.Section), 0, 1, sheet.Width);
            section = table.Section;
            AddMatrix(sheet, table, rollup.ValueOf);
        }
        sheet.Print = new PrintLayout(sheet.Width);
        AddSignatures(sheet, rollup, timeZone, sheet.Width);
        return sheet;
    }

    private static void AddMatrix(Sheet sheet, TemplateTable table, Func<string, decimal?> valueOf)
    {
        var heading = sheet.Add(RowKind.Heading, table.Numbering, table.Label + UnitNote(table));
        sheet.Merge(heading, 1, 1, sheet.Width - 1);
        if (table.PrintedAsOneRow) AddOneRow(sheet, table, valueOf);
        else AddGrid(sheet, table, valueOf);
    }

    /// <summary>Rows × columns: the column headings (the table's column group, the columns' groups, their labels), then a line per row.</summary>
    private static void AddGrid(Sheet sheet, TemplateTable table, Func<string, decimal?> valueOf)
    {
        var columns = table.Columns;
        var grouped = columns.Any(column => column.Group is not null);
        var headingRows = (table.ColumnGroup is null ? 0 : 1) + (grouped ? 2 : 1);
        var first = sheet.RowCount;
        for (var i = 0; i < headingRows; i++) sheet.Add(RowKind.ColumnHeading);
        sheet.Merge(first, 0, headingRows, LabelColumns);

        var top = first;
        if (table.ColumnGroup is not null)
        {
            sheet.Set(top, LabelColumns, table.ColumnGroup);
            sheet.Merge(top, LabelColumns, 1, columns.Count);
            top++;
        }
        for (var c = 0; c < columns.Count; c++)
        {
            var column = LabelColumns + c;
            if (!grouped || columns[c].Group is null)
            {
                sheet.Set(top, column, columns[c].Label);
                sheet.Merge(top, column, first + headingRows - top, 1);
                continue;
            }
            if (c == 0 || columns[c - 1].Group != columns[c].Group)
            {
                var span = columns.Skip(c).TakeWhile(other => other.Group == columns[c].Group).Count();
                sheet.Set(top, column, columns[c].Group);
                sheet.Merge(top, column, 1, span);
            }
            sheet.Set(top + 1, column, columns[c].Label);
        }

        foreach (var row in table.Rows)
        {
            if (row.IsGroup)
            {
                sheet.Add(RowKind.Heading, row.Numbering, row.Label);
                continue;
            }
            var values = columns.Select(column => (object?)valueOf(TemplateTable.CellCode(row.Code, column.Code)));
            sheet.Add(RowKind.Figures, [row.Numbering, row.Label, .. values]);
        }
    }

    /// <summary>
    /// The rows side by side on one line: a heading line per level of the row labels (行政复议 | 行政诉讼 › 未经复议直接起诉,
    /// 复议后起诉), the column labels under each, and one line of figures.
    /// </summary>
    private static void AddOneRow(Sheet sheet, TemplateTable table, Func<string, decimal?> valueOf)
    {
        var rows = table.DataRows.ToList();
        var width = table.Columns.Count;
        var levels = rows.Select(row => row.Label.Split('·')).ToList();
        var depth = levels.Max(parts => parts.Length);
        var first = sheet.RowCount;
        for (var i = 0; i <= depth; i++) sheet.Add(RowKind.ColumnHeading);
        sheet.Merge(first, 0, depth + 1, LabelColumns);

        for (var level = 0; level < depth; level++)
        {
            for (var r = 0; r < rows.Count; r++)
            {
                var parts = levels[r];
                if (level >= parts.Length) continue;
                // One heading over consecutive rows whose labels agree up to this level.
                if (r > 0 && SamePrefix(levels[r - 1], parts, level)) continue;
                var span = 1 + levels.Skip(r + 1).TakeWhile(other => SamePrefix(other, parts, level)).Count();
                var column = LabelColumns + r * width;
                sheet.Set(first + level, column, parts[level]);
                sheet.Merge(first + level, column, level == parts.Length - 1 ? depth - level : 1, span * width);
            }
        }

        var cells = new List<object?>();
        for (var r = 0; r < rows.Count; r++)
        {
            foreach (var (column, c) in table.Columns.Select((column, c) => (column, c)))
            {
                sheet.Set(first + depth, LabelColumns + r * width + c, column.Label);
                cells.Add(valueOf(TemplateTable.CellCode(rows[r].Code, column.Code)));
            }
        }
        sheet.Add(RowKind.Figures, [null, null, .. cells]);
    }

    private static bool SamePrefix(string[] a, string[] b, int level) =>
        a.Length > level && b.Length > level && a.Take(level + 1).SequenceEqual(b.Take(level + 1), StringComparer.Ordinal);

    private static void AddTitle(Sheet sheet, StoredRollup rollup, TimeZoneInfo timeZone)
    {
        sheet.Merge(sheet.Add(RowKind.Title, $"{rollup.Name}（{rollup.OrgUnit}）{rollup.Year}年汇总表"), 0, 1, sheet.Width);
        sheet.Merge(sheet.Add(RowKind.Title, rollup.Template.Name), 0, 1, sheet.Width);
        var computedAt = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(rollup.ComputedAt, DateTimeKind.Utc), timeZone);
        var note = $"应报单位 {rollup.Expected} 个，已计入汇总 {rollup.Reported} 个；数据截至 {computedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}（{TimeZones.ReaderName(timeZone)}）"
                   + (rollup.Stale ? "，其后又有报送，正在重新汇总" : "");
        sheet.Merge(sheet.Add(RowKind.Title, note), 0, 1, sheet.Width);
    }

    /// <summary>
    /// The line the form is signed on, under the table and one row tall so that a page break never splits it: what
    /// the data knows is filled in (填报单位 the unit's name, 填报日期 the day the figures were consolidated, in the
    /// tenant's zone); the rest is a line to sign on. Nobody is named as 审核人: reviews accept each unit's report,
    /// not the consolidated table.
    /// </summary>
    private static void AddSignatures(Sheet sheet, StoredRollup rollup, TimeZoneInfo timeZone, int columns)
    {
        const string line = "＿＿＿＿＿＿＿＿";
        var day = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(rollup.ComputedAt, DateTimeKind.Utc), timeZone);
        sheet.Add(RowKind.Signature);
        var text = string.Join("　　", $"填报单位：{rollup.Name}", $"单位负责人：{line}", $"填报人：{line}", $"审核人：{line}",
            $"填报日期：{day.Year}年{day.Month}月{day.Day}日");
        sheet.Merge(sheet.Add(RowKind.Signature, text), 0, 1, columns);
    }

    /// <summary>（单位：件）when every column counts in one unit and no column label names it already.</summary>
    private static string UnitNote(TemplateTable table)
    {
        var units = table.Columns.Select(column => column.Unit).Distinct(StringComparer.Ordinal).ToList();
        return units.Count == 1 && !table.Columns.Any(column => column.Label.Contains("单位", StringComparison.Ordinal)) ? $"（单位：{units[0]}）" : "";
    }
}
