namespace Aggregator.Api.Features.Rollups.Export;

/// <summary>
/// Sheet 2: the figures of each unit side by side, a column per unit expected to report (name over code, in code
/// order) and a line per indicator in template order, from the version of its report that counts. A unit whose
/// report does not count (yet) has an empty column.
/// </summary>
public static class UnitsTable
{
    public const string SheetName = "各单位";

    private const int LabelColumns = 3;

    // Units side by side on one printed page, at a size still read without a lens; more units take more pages wide,
    // the labels repeated at the left of each.
    private const int UnitsPerPage = 8;

    public static Sheet Build(StoredRollup rollup)
    {
        var units = rollup.Units;
        var sheet = new Sheet(SheetName, [12, 60, 10, .. units.Select(_ => 16d)]);
        // The title starts over the labels, where the printed page starts (the codes' column is not printed).
        sheet.Merge(sheet.Add(RowKind.Title, null, $"{rollup.Name}（{rollup.OrgUnit}）{rollup.Year}年各单位报送数据"), 1, 1, sheet.Width - 1);

        var names = sheet.Add(RowKind.ColumnHeading, ["代码", "指标名称", "计量单位", .. units.Select(unit => unit.Name)]);
        sheet.Add(RowKind.ColumnHeading, [null, null, null, .. units.Select(unit => unit.Code)]);
        for (var c = 0; c < LabelColumns; c++) sheet.Merge(names, c, 2, 1);
        // Printed from the label (the codes are for programs), the unit headings at the top of every page.
        sheet.Print = new PrintLayout(sheet.Width, names, names + 1)
        {
            FirstColumn = 1,
            RepeatColumnsTo = LabelColumns - 1,
            PagesWide = Math.Max(1, (units.Count + UnitsPerPage - 1) / UnitsPerPage),
        };

        foreach (var indicator in rollup.Template.Indicators)
        {
            var values = units.Select(unit => (object?)unit.Values?.GetValueOrDefault(indicator.Code));
            sheet.Add(RowKind.Figures, [indicator.Code, indicator.Label, indicator.Unit, .. values]);
        }
        return sheet;
    }
}
