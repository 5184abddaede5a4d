using Aggregator.Domain.Templates;

namespace Aggregator.Domain.AnnualReports;

/// <summary>
/// The national layout of 国办公开办函〔2019〕60号 and 国办公开办函〔2021〕30号: 一、总体情况; 二、主动公开政府信息情况;
/// 三、收到和处理政府信息公开申请情况; 四、政府信息公开行政复议、行政诉讼情况; 五、存在的主要问题及改进情况;
/// 六、其他需要报告的事项. Sections 二 to 四 carry their statistics tables, as the format prints them.
/// </summary>
internal static class NationalReportText
{
    public const string Overview = "一、总体情况";
    public const string Disclosures = "二、主动公开政府信息情况";
    public const string Applications = "三、收到和处理政府信息公开申请情况";
    public const string Appeals = "四、政府信息公开行政复议、行政诉讼情况";
    public const string Problems = "五、存在的主要问题及改进情况";
    public const string Other = "六、其他需要报告的事项";

    public static void Write(AnnualReportFigures f, ReportWriter w)
    {
        w.Heading(1, Overview);
        w.ToBeWritten("本年度政府信息公开工作总体情况（主动公开、依申请公开、政府信息管理、平台建设、监督保障等）");

        w.Heading(1, Disclosures);
        var disclosed = f.Template.Tables.Where(table => table.Section == Disclosures).ToList();
        foreach (var table in disclosed)
        {
            var sentence = TableSentence(f, table);
            if (sentence.Length > 0) w.Paragraph(sentence);
        }
        foreach (var table in disclosed) w.Table(table.Code, "");

        w.Heading(1, Applications);
        ApplicationText(f, w);
        w.Table("3", "");

        w.Heading(1, Appeals);
        AppealText(f, w);
        w.Table("4", "");

        w.Heading(1, Problems);
        w.ToBeWritten("存在的主要问题");
        w.ToBeWritten("改进情况（含上一年度问题的整改情况）");

        w.Heading(1, Other);
        w.ToBeWritten(f.Template.FirstYear >= 2021
            ? "依据《政府信息公开信息处理费管理办法》收取信息处理费的情况，以及其他需要报告的事项"
            : "其他需要报告的事项");
    }

    /// <summary>"规章和行政规范性文件方面，行政规范性文件本年制发件数3件、现行有效件数45件。" — cells with a value, row by row.</summary>
    private static string TableSentence(AnnualReportFigures f, TemplateTable table)
    {
        var rows = new List<string>();
        foreach (var row in table.DataRows)
        {
            var cells = table.Columns
                .Select(column => (column, value: f.ValueOf(TemplateTable.CellCode(row.Code, column.Code))))
                .Where(cell => cell.value is not null)
                .Select(cell => CellPhrase(cell.column, cell.value!.Value))
                .ToList();
            if (cells.Count > 0) rows.Add(row.Label + string.Join("、", cells));
        }
        return rows.Count == 0 ? "" : $"{f.Year}年，{f.Speaker}{table.Label}方面：{string.Join("；", rows)}。";
    }

    private static string CellPhrase(TableColumn column, decimal value)
    {
        var label = column.Label;
        var note = label.IndexOf("（单位", StringComparison.Ordinal);
        if (note >= 0) label = label[..note];
        if (label == "本年增/减")
            return value == 0 ? "与上年持平" : $"本年{(value > 0 ? "增加" : "减少")}{Phrases.Number(Math.Abs(value))}{column.Unit}";
        // "本年制发件数" + "3件" reads "本年制发3件": the unit says what is counted.
        foreach (var counted in new[] { "件数", "数量" })
            if (label.EndsWith(counted, StringComparison.Ordinal)) label = label[..^counted.Length];
        return $"{label}{Phrases.Number(value)}{column.Unit}";
    }

    private static void ApplicationText(AnnualReportFigures f, ReportWriter w)
    {
        if (f.ValueOf("3.1:total") is not { } received)
        {
            w.ToBeWritten("收到和处理政府信息公开申请的情况（统计表未填报本年新收申请数量）");
            return;
        }
        var sentence = $"{f.Year}年，{f.Speaker}新收政府信息公开申请{Phrases.Number(received)}件{Phrases.Change(received, f.PreviousOf("3.1:total"), "件")}";
        if (f.ValueOf("3.2:total") is { } carried) sentence += $"，上年结转政府信息公开申请{Phrases.Number(carried)}件";
        sentence += "。";
        if (received > 0)
        {
            var organisations = Sum(f, new[] { "biz", "res", "npo", "law", "oth" }.Select(column => $"3.1:{column}"));
            var applicants = Phrases.ListWithShares([("自然人提出申请", f.ValueOf("3.1:np")), ("法人或其他组织提出申请", organisations)], received, "件", 0);
            if (applicants.Length > 0) sentence += $"其中，{applicants}。";
        }
        w.Paragraph(sentence);

        if (f.ValueOf("3.3.7:total") is { } handled && handled > 0)
        {
            var outcomes = Phrases.ListWithShares(
                f.Template.Tables.Single(table => table.Code == "3").Rows
                    .Where(row => row.Parent == "3.3" && row.Code != "3.3.7")
                    .Select(row => (Short(row.Label), GroupTotal(f, row))),
                handled, "件", 0);
            var text = $"本年度办理结果总计{Phrases.Number(handled)}件" + (outcomes.Length > 0 ? $"，其中{outcomes}" : "");
            if (f.ValueOf("3.4:total") is { } next) text += $"；结转下年度继续办理{Phrases.Number(next)}件";
            w.Paragraph(text + "。");
        }
    }

    private static void AppealText(AnnualReportFigures f, ReportWriter w)
    {
        var reviews = f.ValueOf("4.1:total");
        var suits = Sum(f, ["4.2:total", "4.3:total"]);
        if (reviews is null && suits is null)
        {
            w.ToBeWritten("政府信息公开行政复议、行政诉讼情况（统计表未填报）");
            return;
        }
        if (reviews is 0 && suits is 0)
        {
            w.Paragraph($"{f.Year}年，{f.Speaker}未发生政府信息公开行政复议、行政诉讼案件。");
            return;
        }
        var parts = new List<string>();
        if (reviews is { } r)
            parts.Add(r == 0 ? "未发生政府信息公开行政复议案件" : $"发生政府信息公开行政复议{Phrases.Number(r)}件{Phrases.Change(r, f.PreviousOf("4.1:total"), "件")}" + Outcomes(f, ["4.1"]));
        if (suits is { } s)
            parts.Add(s == 0 ? "未发生政府信息公开行政诉讼案件" : $"发生政府信息公开行政诉讼{Phrases.Number(s)}件" + Outcomes(f, ["4.2", "4.3"]));
        w.Paragraph($"{f.Year}年，{f.Speaker}{string.Join("；", parts)}。");
    }

    private static string Outcomes(AnnualReportFigures f, string[] rows)
    {
        var list = Phrases.List(
            [("结果维持", Sum(f, rows.Select(row => $"{row}:upheld"))), ("结果纠正", Sum(f, rows.Select(row => $"{row}:corrected"))),
             ("其他结果", Sum(f, rows.Select(row => $"{row}:other"))), ("尚未审结", Sum(f, rows.Select(row => $"{row}:pending")))], "件");
        return list.Length > 0 ? $"，其中{list}" : "";
    }

    /// <summary>A row's total, or for a heading the sum of its rows' totals (null when none has a value).</summary>
    private static decimal? GroupTotal(AnnualReportFigures f, LayoutRow row)
    {
        if (!row.IsGroup) return f.ValueOf($"{row.Code}:total");
        var table = f.Template.Tables.Single(t => t.Code == "3");
        return Sum(f, table.Rows.Where(child => child.Parent == row.Code && !child.IsGroup).Select(child => $"{child.Code}:total"));
    }

    private static decimal? Sum(AnnualReportFigures f, IEnumerable<string> codes)
    {
        var present = codes.Select(f.ValueOf).Where(value => value is not null).ToList();
        return present.Count == 0 ? null : present.Sum();
    }

    private static string Short(string label)
    {
        var note = label.IndexOf('（');
        return note > 0 ? label[..note] : label;
    }
}
