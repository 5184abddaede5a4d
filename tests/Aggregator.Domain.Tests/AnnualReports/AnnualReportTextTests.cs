using Aggregator.Domain.AnnualReports;
using Aggregator.Domain.Tests.Support;

namespace Aggregator.Domain.Tests.AnnualReports;

/// <summary>The draft written from the 陶然亭街道 2017 figures, checked against what the seed's own prose says where its prose and table agree.</summary>
public sealed class AnnualReportTextTests
{
    private static AnnualReportFigures Seed(IReadOnlyDictionary<string, decimal?>? previous = null, bool consolidated = false, string name = "陶然亭街道") =>
        new(name, consolidated, 2017, TestCatalog.Bj2017, SeedReport.Values, previous, consolidated ? ["陶然亭街道", "广安门内街道"] : []);

    private static string Text(AnnualReportDocument document) => string.Join("\n", document.Paragraphs);

    [Fact]
    public void Should_title_the_report_with_the_unit_and_the_year()
    {
        Assert.Equal("陶然亭街道2017年政府信息公开工作年度报告", AnnualReportText.Compose(Seed()).Title);
    }

    [Fact]
    public void Should_give_the_2017_Beijing_sections_in_the_seeds_order()
    {
        var headings = AnnualReportText.Compose(Seed()).Headings.ToList();

        string[] expected =
        [
            "一、重点工作情况", "二、重点领域信息公开情况", "三、信息公开数据", "（一）主动公开情况", "（二）依申请公开情况", "1、申请情况", "2、答复情况",
            "（三）政府信息公开的收费以及免除费用的情况", "（四）咨询情况", "（五）行政复议、诉讼及举报情况", "（六）保障培训情况",
            "四、存在的不足及改进措施", "（一）存在的问题", "（二）2018年改进措施", "附件",
        ];
        Assert.Equal(expected, headings);
    }

    [Fact]
    public void Should_state_the_disclosures_and_the_applications_with_the_numbers_and_shares_of_the_seeds_prose()
    {
        var text = Text(AnnualReportText.Compose(Seed()));

        // Seed: "本单位2017年共主动公开政府信息975条" and "本单位2017年度共收到政府信息公开申请3件。其中，通过互联网提交申请有2件，占总数的67%；以信函形式申请1件，占总数的33%。"
        Assert.Contains("本单位2017年共主动公开政府信息975条", text);
        Assert.Contains("本单位2017年度共收到政府信息公开申请3件。其中，通过互联网提交申请2件，占总数的67%；以信函形式申请1件，占总数的33%。", text);
        // The channels of the table (1.3.x) add up to the 975: their shares are of the total and add up to 100.0%.
        Assert.Contains("在主动公开的信息中，政府网站公开政府信息534条，占总数的54.8%；政务微信公开政府信息170条，占总数的17.4%；其他方式公开政府信息271条，占总数的27.8%。", text);
        // The seed's prose says 3 answers (33/33/34); its table says 2 (3.3): the draft follows the table.
        Assert.Contains("在已经答复的2件申请中：“同意部分公开”的1件，占总数的50%；“不属于本行政机关公开”的1件，占总数的50%。", text);
        Assert.Contains("2017年，未收到针对本单位政府信息公开的行政复议申请、行政诉讼以及举报投诉。", text);
        Assert.Contains("从事政府信息公开工作人员1人（专职1人、兼职0人），政府信息公开专项经费50000元", text);
        Assert.Contains("接受培训人员51人次", text);
    }

    [Fact]
    public void Should_leave_an_empty_cell_out_of_the_sentences_never_writing_it_as_zero()
    {
        var document = AnnualReportText.Compose(Seed());

        // 7 (fees) is blank in the seed: no sentence about an amount, a marked place instead.
        Assert.DoesNotContain(document.Paragraphs, p => p.Contains("收取检索、复制、邮寄等费用", StringComparison.Ordinal) || p.Contains("未收取费用", StringComparison.Ordinal));
        Assert.Contains(document.Paragraphs, p => p.StartsWith("【待填写：收费依据", StringComparison.Ordinal));

        var without = Seed() with { Values = SeedReport.Values.With("3.1.3", null).With("1.1.1", null) };
        var text = Text(AnnualReportText.Compose(without));
        Assert.DoesNotContain("通过互联网提交申请", text);
        Assert.DoesNotContain("主动公开规范性文件", text);
        // One way left of three applications: its share is of the whole, not made up to 100%.
        Assert.Contains("以信函形式申请1件，占总数的33%。", text);
    }

    [Fact]
    public void Should_give_the_change_against_a_comparable_previous_year()
    {
        var previous = SeedReport.Values.With("1.1", 780).With("3.1", 4).With("1.2", 2);

        var text = Text(AnnualReportText.Compose(Seed(previous)));

        Assert.Contains("共主动公开政府信息975条，比上年增加195条、增长25%", text);
        Assert.Contains("共收到政府信息公开申请3件，比上年减少1件、下降25%。", text);
        Assert.Contains("重点领域公开政府信息2条，与上年持平", text);
        Assert.DoesNotContain("比上年", Text(AnnualReportText.Compose(Seed())));
    }

    [Fact]
    public void Should_give_no_percentage_of_a_previous_year_of_zero_nor_a_share_of_a_zero_total()
    {
        var values = SeedReport.Values.With("3.1", 0).With("3.1.3", 0).With("3.1.4", 0).With("1.1", 0);
        foreach (var code in new[] { "1.3.1", "1.3.2", "1.3.3", "1.3.4", "1.3.5" }) values = values.With(code, 0);
        var figures = Seed(SeedReport.Values.With("1.2", 0)) with { Values = values };

        var text = Text(AnnualReportText.Compose(figures));

        Assert.Contains("本单位2017年度未收到政府信息公开申请，比上年减少3件、下降100%。", text);
        Assert.Contains("重点领域公开政府信息2条，比上年增加2条。", text);
        Assert.DoesNotContain("占总数", text.Split('\n').Single(p => p.Contains("主动公开政府信息0条", StringComparison.Ordinal)));
    }

    [Fact]
    public void Should_speak_as_the_district_and_name_the_counted_units_for_a_consolidated_unit()
    {
        var document = AnnualReportText.Compose(Seed(consolidated: true, name: "西城区"));

        Assert.Equal("西城区2017年政府信息公开工作年度报告", document.Title);
        Assert.Contains("本报告的统计数据汇总了以下2个单位的报送：陶然亭街道、广安门内街道。", document.Paragraphs);
        Assert.Contains(document.Paragraphs, p => p.StartsWith("全区2017年共主动公开政府信息975条", StringComparison.Ordinal));
        Assert.DoesNotContain(document.Paragraphs, p => p.Contains("本单位", StringComparison.Ordinal));
        Assert.DoesNotContain(AnnualReportText.Compose(Seed()).Paragraphs, p => p.Contains("汇总了", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_mark_the_places_only_people_can_write()
    {
        var document = AnnualReportText.Compose(Seed());
        var marked = document.Blocks.OfType<ReportParagraph>().Where(p => p.ToBeWritten).Select(p => p.Text).ToList();

        Assert.All(marked, text => Assert.Matches("^【待填写：.+】$", text));
        Assert.Contains("【待填写：本年度政府信息公开重点工作情况（组织领导、制度建设、公开渠道、培训宣传等）】", marked);
        Assert.Contains("【待填写：政府信息公开工作存在的主要问题】", marked);
        Assert.Contains("【待填写：2018年的改进措施】", marked);
        Assert.Single(document.Blocks.OfType<ReportTable>());
    }

    [Fact]
    public void Should_give_the_national_sections_and_tables_in_the_formats_order()
    {
        foreach (var template in new[] { TestCatalog.Cn2019, TestCatalog.Cn2021 })
        {
            var figures = new AnnualReportFigures("西城区", true, template.FirstYear, template, NationalValues(), null, ["陶然亭街道"]);
            var document = AnnualReportText.Compose(figures);

            Assert.Equal(
                ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"],
                document.Headings);
            Assert.Equal(template.Tables.Select(table => table.Code), document.Blocks.OfType<ReportTable>().Select(table => table.TableCode));
            var text = Text(document);
            Assert.Contains($"{template.FirstYear}年，全区新收政府信息公开申请3件，上年结转政府信息公开申请1件。其中，自然人提出申请2件，占总数的67%；法人或其他组织提出申请1件，占总数的33%。", text);
            Assert.Contains("本年度办理结果总计4件，其中予以公开1件，占总数的25%；部分公开1件，占总数的25%；无法提供2件，占总数的50%；结转下年度继续办理0件。", text);
            Assert.Contains($"{template.FirstYear}年，全区未发生政府信息公开行政复议、行政诉讼案件。", text);
            Assert.Contains("规范性文件", text);
        }
    }

    private static Dictionary<string, decimal?> NationalValues() => new(StringComparer.Ordinal)
    {
        ["2.1.2:published"] = 3, ["2.1.2:issued"] = 3,
        ["3.1:np"] = 2, ["3.1:biz"] = 1, ["3.1:total"] = 3, ["3.2:total"] = 1,
        ["3.3.1:total"] = 1, ["3.3.2:total"] = 1, ["3.3.4.1:total"] = 1, ["3.3.4.3:total"] = 1, ["3.3.7:total"] = 4, ["3.4:total"] = 0,
        ["4.1:total"] = 0, ["4.2:total"] = 0, ["4.3:total"] = 0,
    };
}
