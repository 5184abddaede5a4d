using Aggregator.Domain.Review;
using System.Globalization;

namespace Aggregator.Api.Features.Rollups.Export;

/// <summary>
/// Sheet 3 (完成情况): who of the units expected to report has reported, on time or late against the deadline, who
/// awaits review and who is missing, as the completeness reader gives it (read live, not from the stored rollup).
/// </summary>
public static class CompletenessTable
{
    public const string SheetName = "完成情况";

    public static Sheet Build(StoredRollup rollup, Completeness.Get.Response timeliness)
    {
        var sheet = new Sheet(SheetName, [16, 24, 14, 20, 10, 10, 10]);
        sheet.Merge(sheet.Add(RowKind.Title, $"{rollup.Name}（{rollup.OrgUnit}）{rollup.Year}年报送完成情况"), 0, 1, sheet.Width);
        sheet.Merge(sheet.Add(RowKind.Title, $"报送截止时间 {Time(timeliness.Due)}"), 0, 1, sheet.Width);

        sheet.Add(RowKind.ColumnHeading, "应报单位", "已报单位", "按时报送", "逾期报送", ReviewStatusNames.Submitted, ReviewStatusNames.Returned, "已计入汇总");
        sheet.Add(RowKind.Figures, timeliness.Expected, timeliness.Reported, timeliness.OnTime, timeliness.Late, timeliness.AwaitingReview,
            timeliness.Returned, timeliness.Counted);

        var heading = sheet.Add(RowKind.ColumnHeading, "单位代码", "单位名称", "状态", "首次报送时间", "是否按时");
        // Only the five columns of the unit list carry text from here on; a long list repeats its heading.
        sheet.Print = new PrintLayout(sheet.Width, heading, heading);
        foreach (var unit in timeliness.Units)
        {
            sheet.Add(RowKind.Figures, unit.OrgUnit, unit.Name, Status(unit.Status),
                unit.FirstReportedAt is { } at ? Time(at) : null,
                unit.OnTime switch { true => "按时", false => "逾期", null => null });
        }

        var missing = sheet.Add(RowKind.Heading, $"{ReviewStatusNames.Missing}单位（{timeliness.Missing.Count}）");
        sheet.Merge(missing, 0, 1, sheet.Width);
        foreach (var unit in timeliness.Missing) sheet.Add(RowKind.Figures, unit.OrgUnit, unit.Name);
        return sheet;
    }

    /// <summary>The status words of the page, the CSV and the API (<see cref="ReviewStatusNames"/>).</summary>
    private static string Status(string status) => ReviewStatusNames.Of(status);

    // The reader gives times in the tenant's zone (offset included); the sheet shows them as the tenant reads a clock.
    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
