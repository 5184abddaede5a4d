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

    public static Sheet Build(StoredRollup rollup)
    {
        var units = rollup.Units;
        var sheet = new Sheet(SheetName, [12, 60, 10, .. units.Select(_ => 16d)]);
        sheet.Merge(sheet.Add(RowKind.Title, $"{rollup.Name}（{rollup.OrgUnit}）{rollup.Year}年各单位报送数据"), 0, 1, sheet.Width);

        var names = sheet.Add(RowKind.ColumnHeading, ["代码", "指标名称", "计量单位", .. units.Select(unit => unit.Name)]);
        sheet.Add(RowKind.ColumnHeading, [null, null, null, .. units.Select(unit => unit.Code)]);
        for (var c = 0; c < LabelColumns; c++) sheet.Merge(names, c, 2, 1);

        foreach (var indicator in rollup.Template.Indicators)
        {
            var values = units.Select(unit => (object?)unit.Values?.GetValueOrDefault(indicator.Code));
            sheet.Add(RowKind.Figures, [indicator.Code, indicator.Label, indicator.Unit, .. values]);
        }
        return sheet;
    }
}
