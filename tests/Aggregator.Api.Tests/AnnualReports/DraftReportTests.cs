using System.Net;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;

namespace Aggregator.Api.Tests.AnnualReports;

/// <summary>The draft 年度报告 as .docx: opened with DocumentFormat.OpenXml and read heading by heading, sentence by sentence, cell by cell.</summary>
[Collection(ApiCollection.Name)]
public sealed class DraftReportTests(ApiFixture api)
{
    private const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    private readonly ReportRows _rows = new(api);
    private readonly TestData _data = new(api);

    private static string Url(string tenant, string org, int year) => $"/api/v1/tenants/{tenant}/org-units/{org}/annual-report/{year}.docx";

    private static readonly string[] BeijingSections =
    [
        "一、重点工作情况", "二、重点领域信息公开情况", "三、信息公开数据", "（一）主动公开情况", "（二）依申请公开情况", "1、申请情况", "2、答复情况",
        "（三）政府信息公开的收费以及免除费用的情况", "（四）咨询情况", "（五）行政复议、诉讼及举报情况", "（六）保障培训情况",
        "四、存在的不足及改进措施", "（一）存在的问题", "（二）2018年改进措施", "附件",
    ];

    private static readonly string[] NationalSections =
    [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    ];

    /// <summary>陶然亭街道 reports the seed for 2017 (and 780 disclosures, 4 applications for 2016); 广安门内街道 reports nothing.</summary>
    private async Task<District> DistrictWithTheSeedAsync()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        var seed = SeedReport.Values.ToDictionary(pair => pair.Key, pair => pair.Value);
        await _rows.StoreAsync(tenantId, a.Id, 2016, SeedReport.Template, new Dictionary<string, decimal?>(seed) { ["1.1"] = 780, ["3.1"] = 4, ["3.1.3"] = 3 });
        await _rows.StoreAsync(tenantId, a.Id, 2017, SeedReport.Template, seed);
        await _rows.WaitForFiguresAsync(tenantId, 2016);
        await _rows.WaitForFiguresAsync(tenantId, 2017);
        return district;
    }

    [Fact]
    public async Task Should_draft_the_districts_2017_report_with_the_seeds_sections_figures_table_and_places_to_write()
    {
        var district = await DistrictWithTheSeedAsync();

        var response = await api.Client(district.Keys["viewer@root"]).GetAsync(Url(district.Tenant, district.Tenant, 2017));

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(Docx, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"annual-report-{district.Tenant}-2017.docx", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("西城区2017年政府信息公开工作年度报告.docx", response.Content.Headers.ContentDisposition?.FileNameStar);
        var document = DraftDocument.Read(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(new DraftDocument.Line("ReportTitle", "西城区2017年政府信息公开工作年度报告", false), document.Lines[0]);
        Assert.Equal(BeijingSections, document.Headings);
        Assert.Equal("heading 1", document.StyleNames["Heading1"]);
        Assert.Equal((11906U, 16838U), (document.PageSize.Width!.Value, document.PageSize.Height!.Value));
        Assert.Equal("仿宋_GB2312", document.BodyFont);

        var text = string.Join("\n", document.Paragraphs);
        Assert.Contains("本报告的统计数据汇总了以下1个单位的报送：陶然亭街道。", text);
        Assert.Contains("全区2017年共主动公开政府信息975条，比上年增加195条、增长25%", text);
        Assert.Contains("在主动公开的信息中，政府网站公开政府信息534条，占总数的54.8%；", text);
        Assert.Contains("全区2017年度共收到政府信息公开申请3件，比上年减少1件、下降25%。其中，通过互联网提交申请2件，占总数的67%；以信函形式申请1件，占总数的33%。", text);
        Assert.DoesNotContain("本单位", text);

        var marked = document.Lines.Where(line => line.Highlighted).Select(line => line.Text).ToList();
        Assert.Contains("【待填写：本年度政府信息公开重点工作情况（组织领导、制度建设、公开渠道、培训宣传等）】", marked);
        Assert.Contains("【待填写：政府信息公开工作存在的主要问题】", marked);
        Assert.Contains("【待填写：2018年的改进措施】", marked);
        Assert.All(marked, line => Assert.Matches("^【待填写：.+】$", line));

        // The statistics table as the .xlsx lays it out (without the codes column): every row of the template, "—" for the blank fees.
        var table = Assert.Single(document.Tables);
        var template = SeedReport.Catalog.Find(SeedReport.Template)!;
        Assert.Equal(["序号", "指标名称", "计量单位", "数值"], table[0]);
        Assert.Equal(template.Layout.Select(row => row.Label), table.Skip(1).Select(row => row[1]));
        Assert.Equal(["（一）", "主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", "975"], table.Single(row => row[1].StartsWith("主动公开政府信息数", StringComparison.Ordinal)));
        Assert.Equal(["七、", "依申请公开信息收取的费用", "元", "—"], table.Single(row => row[1] == "依申请公开信息收取的费用"));
        Assert.Equal(["一、", "主动公开情况", "", ""], table.Single(row => row[1] == "主动公开情况"));
        Assert.Contains(document.Lines, line => line.Text == "政府信息公开情况统计表（2017年度）");
    }

    [Fact]
    public async Task Should_draft_a_2021_report_in_the_national_layout_with_its_tables_under_their_sections()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        await _rows.StoreAsync(tenantId, a.Id, 2021, "cn-gip-2021", new Dictionary<string, decimal?>
        {
            ["2.1.2:issued"] = 3, ["2.1.2:in_force"] = 45,
            ["3.1:np"] = 2, ["3.1:biz"] = 1, ["3.1:total"] = 3, ["3.2:total"] = 1,
            ["3.3.1:np"] = 1, ["3.3.1:total"] = 1, ["3.3.2:np"] = 1, ["3.3.2:total"] = 1,
            ["3.3.4.1:biz"] = 1, ["3.3.4.1:total"] = 1, ["3.3.4.3:np"] = 1, ["3.3.4.3:total"] = 1,
            ["3.3.7:np"] = 3, ["3.3.7:biz"] = 1, ["3.3.7:total"] = 4, ["3.4:total"] = 0,
            ["4.1:total"] = 0, ["4.2:total"] = 0, ["4.3:total"] = 0,
        });
        await _rows.WaitForFiguresAsync(tenantId, 2021);

        var response = await api.Client(district.Keys["reviewer@root"]).GetAsync(Url(district.Tenant, district.Tenant, 2021));

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var document = DraftDocument.Read(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("西城区2021年政府信息公开工作年度报告", document.Lines[0].Text);
        Assert.Equal(NationalSections, document.Headings);

        var text = string.Join("\n", document.Paragraphs);
        Assert.Contains("2021年，全区规章和行政规范性文件方面：行政规范性文件本年制发3件、现行有效45件。", text);
        Assert.Contains("2021年，全区新收政府信息公开申请3件，上年结转政府信息公开申请1件。其中，自然人提出申请2件，占总数的67%；法人或其他组织提出申请1件，占总数的33%。", text);
        Assert.Contains("本年度办理结果总计4件，其中予以公开1件，占总数的25%；部分公开1件，占总数的25%；无法提供2件，占总数的50%；结转下年度继续办理0件。", text);
        Assert.Contains("2021年，全区未发生政府信息公开行政复议、行政诉讼案件。", text);
        Assert.DoesNotContain("比上年", text);
        Assert.Contains(document.Lines, line => line.Highlighted && line.Text.Contains("信息处理费", StringComparison.Ordinal));

        // Every table of the format, each after its section's heading and before the next.
        Assert.Equal(6, document.Tables.Count);
        var applications = document.Tables.Single(t => t.Any(row => row.Contains("本年新收政府信息公开申请数量")));
        Assert.Equal(["一、", "本年新收政府信息公开申请数量", "2", "1", "—", "—", "—", "—", "3"], applications.Single(row => row.Contains("本年新收政府信息公开申请数量")));
        Assert.Equal(["（一）", "予以公开", "1", "—", "—", "—", "—", "—", "1"], applications.Single(row => row.Contains("予以公开")));
        var appeals = document.Tables.Single(t => t.Any(row => row.Contains("行政复议")));
        // Printed as one row: 行政复议 and the two kinds of 行政诉讼 side by side, five cells each, only the totals reported.
        Assert.Equal(["—", "—", "—", "—", "0", "—", "—", "—", "—", "0", "—", "—", "—", "—", "0"], appeals[^1]);
    }

    [Fact]
    public async Task Should_give_the_change_across_the_2019_template_change_only_where_the_mapping_declares_it_comparable()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        await _rows.StoreAsync(tenantId, a.Id, 2018, SeedReport.Template, SeedReport.Values.ToDictionary(pair => pair.Key, pair => pair.Value));
        await _rows.StoreAsync(tenantId, a.Id, 2019, "cn-gip-2019", new Dictionary<string, decimal?>
        {
            ["2.1.2:published"] = 4, ["3.1:np"] = 5, ["3.1:total"] = 5, ["3.2:total"] = 0, ["4.1:total"] = 0, ["4.2:total"] = 0, ["4.3:total"] = 0,
        });
        await _rows.WaitForFiguresAsync(tenantId, 2018);
        await _rows.WaitForFiguresAsync(tenantId, 2019);

        foreach (var (key, org, who) in new[] { ("viewer@a", district.SubDistrictA, "本单位"), ("viewer@root", district.Tenant, "全区") })
        {
            var response = await api.Client(district.Keys[key]).GetAsync(Url(district.Tenant, org, 2019));
            await response.ShouldHaveStatus(HttpStatusCode.OK);
            var document = DraftDocument.Read(await response.Content.ReadAsByteArrayAsync());
            var text = string.Join("\n", document.Paragraphs);

            Assert.Equal(NationalSections, document.Headings);
            // 3.1 收到申请数 (3 in 2018) maps to 3.1:total; 2.1 规范性文件 has no 2018 counterpart: no change stated.
            Assert.Contains($"2019年，{who}新收政府信息公开申请5件，比上年增加2件、增长66.7%，上年结转政府信息公开申请0件。", text);
            Assert.Contains($"2019年，{who}规章和规范性文件方面：规范性文件本年新公开4件。", text);
            Assert.Equal(1, text.Split("比上年").Length - 1);
        }
    }

    [Fact]
    public async Task Should_draft_a_sub_districts_own_report_for_the_keys_at_or_above_it_and_no_one_else()
    {
        var district = await DistrictWithTheSeedAsync();
        var other = await _data.DistrictAsync();
        var (_, siblingReporter) = await _data.KeyAsync(district.Tenant, district.SubDistrictB, "reporter");
        var (_, siblingViewer) = await _data.KeyAsync(district.Tenant, district.SubDistrictB, "viewer");
        var own = Url(district.Tenant, district.SubDistrictA, 2017);

        var response = await api.Client(district.Keys["viewer@a"]).GetAsync(own);

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("陶然亭街道2017年政府信息公开工作年度报告.docx", response.Content.Headers.ContentDisposition?.FileNameStar);
        var document = DraftDocument.Read(await response.Content.ReadAsByteArrayAsync());
        var text = string.Join("\n", document.Paragraphs);
        Assert.Contains("本单位2017年共主动公开政府信息975条，比上年增加195条、增长25%", text);
        Assert.Contains("本单位2017年度共收到政府信息公开申请3件，比上年减少1件、下降25%。其中，通过互联网提交申请2件，占总数的67%；以信函形式申请1件，占总数的33%。", text);
        Assert.DoesNotContain("汇总了", text);

        await (await api.Client(district.Keys["tenant-admin@root"]).GetAsync(own)).ShouldHaveStatus(HttpStatusCode.OK);
        await (await api.Client(district.Keys["reviewer@root"]).GetAsync(own)).ShouldHaveStatus(HttpStatusCode.OK);
        await (await api.Client(siblingReporter).GetAsync(own)).ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await api.Client(district.Keys["reporter@a"]).GetAsync(own)).ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await api.Client(siblingViewer).GetAsync(own)).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await api.Client(other.Keys["viewer@root"]).GetAsync(own)).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await api.Client(other.Keys["viewer@root"]).GetAsync(Url(district.Tenant, district.Tenant, 2017))).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_answer_404_for_a_year_without_figures_and_a_unit_without_a_report_that_counts()
    {
        var district = await DistrictWithTheSeedAsync();
        var viewer = api.Client(district.Keys["viewer@root"]);

        var noYear = await (await viewer.GetAsync(Url(district.Tenant, district.Tenant, 2015))).ShouldBeProblem(HttpStatusCode.NotFound);
        var noReport = await (await viewer.GetAsync(Url(district.Tenant, district.SubDistrictB, 2017))).ShouldBeProblem(HttpStatusCode.NotFound);

        Assert.Equal("no-reports", noYear.GetProperty("reason").GetString());
        Assert.Contains("has no report for 2017 that counts", noReport.GetProperty("detail").GetString());
        await (await viewer.GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/annual-report/abc.docx")).ShouldBeProblem(HttpStatusCode.BadRequest);
        await (await viewer.GetAsync(Url(district.Tenant, district.Tenant, 99999))).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_refuse_a_unit_code_with_a_NUL_or_of_any_length_without_a_server_error()
    {
        var district = await DistrictWithTheSeedAsync();
        var viewer = api.Client(district.Keys["viewer@root"]);

        foreach (var org in new[] { "a%00b", new string('9', 5000), "%E2%80%AE110102" })
        {
            using var response = await viewer.GetAsync(Url(district.Tenant, org, 2017));
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.RequestUriTooLong,
                $"{org[..Math.Min(org.Length, 12)]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
