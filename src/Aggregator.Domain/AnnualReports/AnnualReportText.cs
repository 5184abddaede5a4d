namespace Aggregator.Domain.AnnualReports;

/// <summary>
/// Drafts a unit's 政府信息公开工作年度报告 from its figures: the sections of the year's format in order, a paragraph
/// written from the figures for every part that has them (an empty cell is left out, never written as 0; shares listed
/// together add up to 100%; the change against a comparable previous year), the statistics tables where the format
/// prints them, and 【待填写：…】 where only people can write.
/// </summary>
public static class AnnualReportText
{
    public static string TitleOf(string unitName, int year) => $"{unitName}{year}年政府信息公开工作年度报告";

    public static AnnualReportDocument Compose(AnnualReportFigures figures)
    {
        var writer = new ReportWriter();
        Preamble(figures, writer);
        if (figures.Template.Tables.Count == 0) BeijingReportText.Write(figures, writer);
        else NationalReportText.Write(figures, writer);
        return new AnnualReportDocument(TitleOf(figures.UnitName, figures.Year), writer.Blocks);
    }

    /// <summary>What the report is and covers; for a consolidated unit, which units its figures include.</summary>
    private static void Preamble(AnnualReportFigures f, ReportWriter w)
    {
        w.Paragraph($"本报告由{f.UnitName}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。"
                    + $"本报告中所列数据的统计期限自{f.Year}年1月1日起至{f.Year}年12月31日止。");
        if (f.Consolidated)
        {
            w.Paragraph(f.CountedUnits.Count == 0
                ? "本报告的统计数据尚未计入任何单位的报送。"
                : $"本报告的统计数据汇总了以下{f.CountedUnits.Count}个单位的报送：{string.Join("、", f.CountedUnits)}。");
        }
    }
}
