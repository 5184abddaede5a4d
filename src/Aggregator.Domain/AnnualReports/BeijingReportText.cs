namespace Aggregator.Domain.AnnualReports;

/// <summary>
/// The 2008–2018 Beijing layout (bj-gip-2017), in the order and the words of the 陶然亭街道 2017 report: 一、重点工作情况;
/// 二、重点领域信息公开情况; 三、信息公开数据 with its six parts; 四、存在的不足及改进措施; the statistics table as 附件.
/// </summary>
internal static class BeijingReportText
{
    public static void Write(AnnualReportFigures f, ReportWriter w)
    {
        var who = f.Speaker;
        var year = f.Year;

        w.ToBeWritten("本年度政府信息公开工作概述");

        w.Heading(1, "一、重点工作情况");
        w.ToBeWritten("本年度政府信息公开重点工作情况（组织领导、制度建设、公开渠道、培训宣传等）");

        w.Heading(1, "二、重点领域信息公开情况");
        if (f.ValueOf("1.2") is { } keyAreas)
        {
            var areas = Phrases.List(KeyAreas.Select(area => (area.Phrase, f.ValueOf(area.Code))).Where(area => area.Item2 is > 0), "条", "；");
            w.Paragraph($"{who}{year}年重点领域公开政府信息{Phrases.Number(keyAreas)}条{Phrases.Change(keyAreas, f.PreviousOf("1.2"), "条")}"
                        + (areas.Length > 0 ? $"。其中，{areas}。" : "。"));
        }
        w.ToBeWritten("重点领域信息公开的具体做法和成效");

        w.Heading(1, "三、信息公开数据");
        w.ToBeWritten("政府信息公开工作机构、人员配备及工作运行情况");

        w.Heading(2, "（一）主动公开情况");
        Disclosures(f, w);

        w.Heading(2, "（二）依申请公开情况");
        w.Heading(3, "1、申请情况");
        Applications(f, w);
        w.Heading(3, "2、答复情况");
        Answers(f, w);

        w.Heading(2, "（三）政府信息公开的收费以及免除费用的情况");
        if (f.ValueOf("7") is { } fees)
            w.Paragraph(fees == 0
                ? $"{year}年，{who}依申请公开政府信息未收取费用。"
                : $"{year}年，{who}依申请公开政府信息收取检索、复制、邮寄等费用共计{Phrases.Number(fees)}元{Phrases.Change(fees, f.PreviousOf("7"), "元")}。");
        w.ToBeWritten("收费依据及免除费用的情况");

        w.Heading(2, "（四）咨询情况");
        w.ToBeWritten("接受公民、法人及其他组织政府信息公开咨询的情况（现场、电话、网上咨询人次）");

        w.Heading(2, "（五）行政复议、诉讼及举报情况");
        Appeals(f, w);

        w.Heading(2, "（六）保障培训情况");
        Resources(f, w);
        w.ToBeWritten("参加和组织政府信息公开培训的其他情况");

        w.Heading(1, "四、存在的不足及改进措施");
        w.Heading(2, "（一）存在的问题");
        w.ToBeWritten("政府信息公开工作存在的主要问题");
        w.Heading(2, $"（二）{year + 1}年改进措施");
        w.ToBeWritten($"{year + 1}年的改进措施");

        w.Heading(1, "附件", newPage: true);
        w.Table(null, $"政府信息公开情况统计表（{year}年度）");
    }

    private static void Disclosures(AnnualReportFigures f, ReportWriter w)
    {
        if (f.ValueOf("1.1") is not { } total)
        {
            w.ToBeWritten("主动公开政府信息情况（统计表未填报主动公开政府信息数）");
            return;
        }
        var documents = Phrases.List([("主动公开规范性文件", f.ValueOf("1.1.1"))], "条");
        var issued = Phrases.List([("制发规范性文件", f.ValueOf("1.1.2"))], "件");
        var sentence = $"{f.Speaker}{f.Year}年共主动公开政府信息{Phrases.Number(total)}条{Phrases.Change(total, f.PreviousOf("1.1"), "条")}";
        if (documents.Length > 0) sentence += $"，其中{documents}";
        if (issued.Length > 0) sentence += $"；{issued}";
        w.Paragraph(sentence + "。");

        // Channels overlap (one item may go out through several): their shares are of what they carried together,
        // called 总数 when that is the number disclosed.
        var channels = Channels.Select(channel => (channel.Phrase, f.ValueOf(channel.Code))).ToList();
        var carried = channels.Where(channel => channel.Item2 is > 0).Sum(channel => channel.Item2!.Value);
        var listed = Phrases.ListWithShares(channels, carried, "条", 1, carried == total ? "占总数的" : "占各渠道公开总数的");
        if (listed.Length > 0) w.Paragraph($"在主动公开的信息中，{listed}。");

        if (f.ValueOf("2.1") is { } responses)
        {
            var ways = Phrases.List(Responses.Select(way => (way.Phrase, f.ValueOf(way.Code), way.Unit)).Where(way => way.Item2 is > 0), "，");
            w.Paragraph($"{f.Year}年，{f.Speaker}回应公众关注热点或重大舆情{Phrases.Number(responses)}次" + (ways.Length > 0 ? $"；{ways}。" : "。"));
        }
    }

    private static void Applications(AnnualReportFigures f, ReportWriter w)
    {
        if (f.ValueOf("3.1") is not { } received)
        {
            w.ToBeWritten("收到政府信息公开申请的情况（统计表未填报收到申请数）");
            return;
        }
        if (received == 0)
        {
            w.Paragraph($"{f.Speaker}{f.Year}年度未收到政府信息公开申请{Phrases.Change(received, f.PreviousOf("3.1"), "件")}。");
            return;
        }
        var ways = Phrases.ListWithShares(Ways.Select(way => (way.Phrase, f.ValueOf(way.Code))), received, "件", 0);
        w.Paragraph($"{f.Speaker}{f.Year}年度共收到政府信息公开申请{Phrases.Number(received)}件{Phrases.Change(received, f.PreviousOf("3.1"), "件")}。"
                    + (ways.Length > 0 ? $"其中，{ways}。" : ""));
    }

    private static void Answers(AnnualReportFigures f, ReportWriter w)
    {
        var closed = f.ValueOf("3.2");
        if (closed is { } done)
        {
            var timely = Phrases.List([("按时办结", f.ValueOf("3.2.1")), ("延期办结", f.ValueOf("3.2.2"))], "件");
            w.Paragraph($"{f.Year}年度{f.Speaker}办结政府信息公开申请{Phrases.Number(done)}件" + (timely.Length > 0 ? $"，其中{timely}。" : "。"));
        }
        if (f.ValueOf("3.3") is not { } answered)
        {
            w.ToBeWritten("答复政府信息公开申请的情况（统计表未填报申请答复数）");
            return;
        }
        if (answered == 0)
        {
            w.Paragraph($"{f.Year}年度{f.Speaker}未答复政府信息公开申请。");
            return;
        }
        var kinds = Phrases.ListWithShares(Kinds.Select(kind => ($"“{kind.Phrase}”的", f.ValueOf(kind.Code))), answered, "件", 0);
        var sentence = $"在已经答复的{Phrases.Number(answered)}件申请中" + (kinds.Length > 0 ? $"：{kinds}。" : "。");
        var refusals = Phrases.List(Refusals.Select(reason => (reason.Phrase, f.ValueOf(reason.Code))).Where(reason => reason.Item2 is > 0), "件");
        if (refusals.Length > 0) sentence += $"不同意公开的申请中，{refusals}。";
        w.Paragraph(sentence);
    }

    private static void Appeals(AnnualReportFigures f, ReportWriter w)
    {
        var kinds = new[] { ("行政复议申请", "4", "维持具体行政行为"), ("行政诉讼", "5", "维持具体行政行为或者驳回原告诉讼请求"), ("举报投诉", "6", "") };
        var none = kinds.Where(kind => f.ValueOf(kind.Item2) == 0).Select(kind => kind.Item1).ToList();
        var some = new List<string>();
        foreach (var (name, code, upheld) in kinds)
        {
            if (f.ValueOf(code) is not { } count || count == 0) continue;
            var outcomes = upheld.Length == 0 ? "" : Phrases.List(
                [(upheld, f.ValueOf($"{code}.1")), ("被依法纠错", f.ValueOf($"{code}.2")), ("其他情形", f.ValueOf($"{code}.3"))], "件");
            some.Add($"{name}{Phrases.Number(count)}件" + (outcomes.Length > 0 ? $"（{outcomes}）" : ""));
        }
        var parts = new List<string>();
        if (some.Count > 0) parts.Add($"{f.Year}年，针对{f.Speaker}政府信息公开的{string.Join("，", some)}");
        if (none.Count > 0) parts.Add((some.Count > 0 ? "未收到" : $"{f.Year}年，未收到针对{f.Speaker}政府信息公开的") + JoinAnd(none));
        if (parts.Count > 0) w.Paragraph(string.Join("；", parts) + "。");
        else w.ToBeWritten("行政复议、行政诉讼及举报投诉情况（统计表未填报）");
    }

    private static void Resources(AnnualReportFigures f, ReportWriter w)
    {
        var setup = Phrases.List([("设立政府信息公开工作专门机构", f.ValueOf("8.1")), ("设置政府信息公开查阅点", f.ValueOf("8.2"))], "个", "，");
        var parts = new List<string>();
        if (setup.Length > 0) parts.Add(setup);
        if (f.ValueOf("8.3") is { } staff)
        {
            var kinds = Phrases.List([("专职", f.ValueOf("8.3.1")), ("兼职", f.ValueOf("8.3.2"))], "人");
            parts.Add($"从事政府信息公开工作人员{Phrases.Number(staff)}人" + (kinds.Length > 0 ? $"（{kinds}）" : ""));
        }
        if (f.ValueOf("8.4") is { } budget) parts.Add($"政府信息公开专项经费{Phrases.Number(budget)}元");
        if (parts.Count > 0) w.Paragraph($"{f.Year}年，{f.Speaker}{string.Join("，", parts)}。");

        var training = Phrases.List(
            [("召开政府信息公开工作会议或专题会议", f.ValueOf("9.1")), ("举办各类培训班", f.ValueOf("9.2"))], "次", "，");
        var trained = f.ValueOf("9.3") is { } people ? $"接受培训人员{Phrases.Number(people)}人次" : "";
        var all = string.Join("，", new[] { training, trained }.Where(part => part.Length > 0));
        if (all.Length > 0) w.Paragraph($"{f.Year}年，{f.Speaker}{all}。");
    }

    private static string JoinAnd(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join("、", items.Take(items.Count - 1)) + "以及" + items[^1];

    private static readonly (string Code, string Phrase)[] KeyAreas =
    [
        ("1.2.1", "财政预算决算、“三公经费”和行政经费信息"),
        ("1.2.2", "保障性安居工程信息"),
        ("1.2.3", "食品安全信息"),
        ("1.2.4", "环境保护信息"),
        ("1.2.5", "招投标信息"),
        ("1.2.6", "生产安全事故信息"),
        ("1.2.7", "征地拆迁信息"),
        ("1.2.8", "价格和收费信息"),
        ("1.2.9", "企业信用信息"),
        ("1.2.10", "预算执行审计结果信息"),
        ("1.2.11", "公共企事业单位监督管理信息"),
        ("1.2.12", "市人民政府决定主动公开的其他信息"),
    ];

    private static readonly (string Code, string Phrase)[] Channels =
    [
        ("1.3.1", "政府公报公开政府信息"),
        ("1.3.2", "政府网站公开政府信息"),
        ("1.3.3", "政务微博公开政府信息"),
        ("1.3.4", "政务微信公开政府信息"),
        ("1.3.5", "其他方式公开政府信息"),
    ];

    private static readonly (string Code, string Phrase, string Unit)[] Responses =
    [
        ("2.2.1", "参加或举办新闻发布会", "次"),
        ("2.2.2", "开展政府网站在线访谈", "次"),
        ("2.2.3", "发布政策解读稿件", "篇"),
        ("2.2.4", "通过微博微信回应事件", "个"),
        ("2.2.5", "通过其他方式回应事件", "个"),
    ];

    private static readonly (string Code, string Phrase)[] Ways =
    [
        ("3.1.1", "当面申请"),
        ("3.1.2", "以传真形式申请"),
        ("3.1.3", "通过互联网提交申请"),
        ("3.1.4", "以信函形式申请"),
    ];

    private static readonly (string Code, string Phrase)[] Kinds =
    [
        ("3.3.1", "属于已主动公开范围"),
        ("3.3.2", "同意公开"),
        ("3.3.3", "同意部分公开"),
        ("3.3.4", "不同意公开"),
        ("3.3.5", "不属于本行政机关公开"),
        ("3.3.6", "申请信息不存在"),
        ("3.3.7", "告知作出更改补充"),
        ("3.3.8", "告知通过其他途径办理"),
    ];

    private static readonly (string Code, string Phrase)[] Refusals =
    [
        ("3.3.4.1", "涉及国家秘密"),
        ("3.3.4.2", "涉及商业秘密"),
        ("3.3.4.3", "涉及个人隐私"),
        ("3.3.4.4", "危及国家安全、公共安全、经济安全和社会稳定"),
        ("3.3.4.5", "不是《条例》所指政府信息"),
        ("3.3.4.6", "法律法规规定的其他情形"),
    ];
}
