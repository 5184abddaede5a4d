using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Features.Rollups.Export;
using Completeness = Aggregator.Api.Features.Completeness.Get;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Domain.Templates;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>The district's table as .xlsx and .csv: opened with a reader and checked cell by cell.</summary>
[Collection(ApiCollection.Name)]
public sealed class ExportTests(ApiFixture api)
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    private readonly ReportRows _rows = new(api);
    private readonly TestData _data = new(api);

    // Columns of 汇总表 for a flat template: 序号, 指标名称, 计量单位, 数值, 代码.
    private const int Label = 1, Unit = 2, Value = 3, Code = 4;

    private static string Url(District district, int year, string suffix = "") =>
        $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{year}{suffix}";

    /// <summary>Sub-districts A and B report the seed (制发规范性文件总数 4 and 7); 白纸坊街道 does not.</summary>
    private async Task<(District District, string Missing)> DistrictWithTwoOfThreeReportedAsync()
    {
        var district = await _data.DistrictAsync();
        var missing = await _data.OrgUnitAsync(district.Tenant, name: "白纸坊街道");
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1.2", 4)))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictB, TestData.ReportFor().With("1.1.2", 7)))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await _rows.WaitForFiguresAsync(await _rows.TenantIdAsync(district.Tenant), SeedReport.Year);
        return (district, missing);
    }

    [Fact]
    public async Task Should_download_the_official_table_in_template_order_with_headings_sums_as_numbers_and_blanks_where_nobody_reported()
    {
        var (district, _) = await DistrictWithTwoOfThreeReportedAsync();

        var response = await api.Client(district.Keys["viewer@root"]).GetAsync(Url(district, 2017, ".xlsx"));
        await response.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(Xlsx, response.Content.Headers.ContentType?.MediaType);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal($"rollup-{district.Tenant}-2017.xlsx", disposition.FileName?.Trim('"'));
        Assert.Equal("西城区2017年汇总表.xlsx", disposition.FileNameStar);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());

        var table = SheetRead.ReadWorkbook(await response.Content.ReadAsByteArrayAsync())["汇总表"];
        Assert.Contains("西城区", table.Text(0, 0));
        Assert.Contains("2017", table.Text(0, 0));

        // Every row of the template, headings included, in its order, with its label (Chinese intact) and unit.
        var template = SeedReport.Catalog.Find("bj-gip-2017")!;
        var header = table.RowWhere(Code, "代码");
        // The table's lines; the signature line (PrintTests) follows them.
        var lines = table.Rows.Skip(header + 1).Take(template.Layout.Count).ToList();
        Assert.Equal(template.Layout.Select(row => row.Code), lines.Select(line => line[Code]!.Text));
        foreach (var (row, line) in template.Layout.Zip(lines))
        {
            Assert.Equal(row.Label, line[Label]!.Text);
            Assert.Equal(row.IsGroup ? null : template.FindIndicator(row.Code)!.Unit, line.ElementAtOrDefault(Unit)?.Text);
        }

        var heading = table.RowWhere(Code, "1");
        Assert.Equal("一、", table.Text(heading, 0));
        Assert.Equal("主动公开情况", table.Text(heading, Label));
        Assert.Null(table[heading, Value]);

        var documents = table[table.RowWhere(Code, "1.1.2"), Value]!;
        Assert.True(documents.IsNumber, "a consolidated figure is a number, not text");
        Assert.Equal(11m, documents.Number);
        Assert.Equal(2 * SeedValue("1.1"), table[table.RowWhere(Code, "1.1"), Value]!.Number);

        // 7 (fees) is blank in the seed: nobody reported it, so the cell is empty, not 0.
        Assert.Null(table[table.RowWhere(Code, "7"), Value]);
    }

    [Fact]
    public async Task Should_put_each_units_figures_side_by_side_a_column_per_unit_expected_to_report()
    {
        var (district, missing) = await DistrictWithTwoOfThreeReportedAsync();

        var response = await api.Client(district.Keys["reviewer@root"]).GetAsync(Url(district, 2017, ".xlsx"));
        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var workbook = SheetRead.ReadWorkbook(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["汇总表", "各单位", "完成情况"], workbook.Keys);
        var units = workbook["各单位"];

        var names = units.RowWhere(0, "代码");
        Assert.Equal(["陶然亭街道", "广安门内街道", "白纸坊街道"], Enumerable.Range(3, 3).Select(c => units.Text(names, c)));
        Assert.Equal([district.SubDistrictA, district.SubDistrictB, missing], Enumerable.Range(3, 3).Select(c => units.Text(names + 1, c)));
        Assert.Null(units[names, 6]);

        var documents = units.RowWhere(0, "1.1.2");
        Assert.Equal("制发规范性文件总数", units.Text(documents, 1));
        Assert.Equal(4m, units[documents, 3]!.Number);
        Assert.Equal(7m, units[documents, 4]!.Number);
        Assert.Null(units[documents, 5]);
        Assert.Equal(SeedValue("1.1"), units[units.RowWhere(0, "1.1"), 3]!.Number);
        Assert.Null(units[units.RowWhere(0, "7"), 3]);
        Assert.Equal(SeedReport.Catalog.Find("bj-gip-2017")!.Indicators.Select(i => i.Code), units.Rows.Skip(names + 2).Select(row => row[0]!.Text));

        // 完成情况: the reader's answer for the district; 白纸坊街道 is missing and listed under 未报送单位.
        var completeness = workbook["完成情况"];
        var counts = completeness.RowWhere(0, "应报单位") + 1;
        Assert.Equal([3m, 2m], [completeness[counts, 0]!.Number, completeness[counts, 1]!.Number]);
        Assert.Equal("未报送", completeness.Text(completeness.RowWhere(0, missing), 2));
        var missingList = completeness.RowWhere(0, "未报送单位（1）");
        Assert.Equal(missing, completeness.Text(missingList + 1, 0));
        Assert.Equal("白纸坊街道", completeness.Text(missingList + 1, 1));
        Assert.NotNull(completeness.Text(completeness.RowWhere(0, district.SubDistrictA), 3));
    }

    [Fact]
    public async Task Should_print_the_whole_workbook_as_downloaded_on_a4_landscape_every_sheet_one_page_wide_with_its_headings_on_each_page()
    {
        var (district, _) = await DistrictWithTwoOfThreeReportedAsync();
        var response = await api.Client(district.Keys["viewer@root"]).GetAsync(Url(district, 2017, ".xlsx"));
        await response.ShouldHaveStatus(HttpStatusCode.OK);

        // LibreOffice prints every sheet in order: 汇总表, then 各单位, then 完成情况; every page A4 landscape.
        var (pages, _) = await PrintTests.PrintedAsync(await response.Content.ReadAsByteArrayAsync(), "whole-workbook");
        var official = pages.TakeWhile(text => !text.Contains("各单位报送数据", StringComparison.Ordinal)).ToList();
        var units = pages.Skip(official.Count).TakeWhile(text => !text.Contains("报送完成情况", StringComparison.Ordinal)).ToList();
        var completeness = pages.Skip(official.Count + units.Count).ToList();
        Assert.InRange(official.Count, 1, 3);
        Assert.InRange(units.Count, 1, 4);
        // The title whole, over the labels where the page starts (the codes' column is off the paper).
        Assert.Contains($"西城区（{district.Tenant}）2017年各单位报送数据", units[0], StringComparison.Ordinal);
        // One page wide: every page of 各单位 has the labels and all three units' headings beside them.
        Assert.All(units, text => Assert.True(text.Contains("指标名称", StringComparison.Ordinal) && text.Contains("白纸坊街道", StringComparison.Ordinal), text));
        Assert.Matches(@"制发规范性文件总数[^\n]*\s4\s+7(\s|$)", string.Join('\n', units));
        Assert.Single(completeness);
        Assert.Contains("未报送单位（1）", completeness[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_download_the_official_table_as_csv_in_utf8_with_a_bom_and_the_same_cells_as_the_workbook()
    {
        var (district, _) = await DistrictWithTwoOfThreeReportedAsync();
        var viewer = api.Client(district.Keys["viewer@root"]);

        var response = await viewer.GetAsync(Url(district, 2017, ".csv"));
        await response.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("西城区2017年汇总表.csv", response.Content.Headers.ContentDisposition?.FileNameStar);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var csv = SheetRead.ReadCsv(new UTF8Encoding(false).GetString(bytes[3..]));

        var workbook = SheetRead.ReadWorkbook(await (await viewer.GetAsync(Url(district, 2017, ".xlsx"))).Content.ReadAsByteArrayAsync())["汇总表"];
        // The workbook's signature line (after a blank one) is for paper, not in the CSV.
        Assert.Equal(workbook.Rows.Count - 2, csv.Rows.Count);
        Assert.StartsWith("填报单位：西城区", workbook.Text(csv.Rows.Count + 1, 0), StringComparison.Ordinal);
        Assert.All(csv.Rows, row => Assert.Equal(5, row.Count));
        for (var r = 0; r < csv.Rows.Count; r++)
            for (var c = 0; c < 5; c++)
                Assert.Equal(workbook.Text(r, c), csv.Text(r, c));
        Assert.Equal(11m, csv[csv.RowWhere(Code, "1.1.2"), Value]!.Number);
        Assert.Null(csv[csv.RowWhere(Code, "7"), Value]);
    }

    [Fact]
    public async Task Should_lay_out_the_national_format_as_printed_with_section_four_as_one_row_of_fifteen_figures()
    {
        const int year = 2021;
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var template = SeedReport.Catalog.Find("cn-gip-2021")!;
        var four = template.Tables.Single(table => table.Code == "4");
        var cells = four.DataRows.SelectMany(row => four.Columns.Select(column => TemplateTable.CellCode(row.Code, column.Code))).ToList();
        foreach (var (unit, offset) in new[] { (district.SubDistrictA, 1), (district.SubDistrictB, 100) })
        {
            var values = cells.Select((code, i) => KeyValuePair.Create(code, (decimal?)(i + offset))).ToDictionary();
            values["3.1:np"] = offset;
            values["2.8.1:amount"] = 1.25m * offset;
            await _rows.StoreAsync(tenantId, (await _rows.UnitAsync(tenantId, unit)).Id, year, "cn-gip-2021", values);
        }
        await _rows.WaitForFiguresAsync(tenantId, year);

        var response = await api.Client(district.Keys["viewer@root"]).GetAsync(Url(district, year, ".xlsx"));
        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var table = SheetRead.ReadWorkbook(await response.Content.ReadAsByteArrayAsync())["汇总表"];

        Assert.Equal("二、主动公开政府信息情况", table.Text(table.RowWhere(0, "二、主动公开政府信息情况"), 0));
        var fees = table.RowWhere(0, "第二十条第（八）项") + 2;
        Assert.Equal("行政事业性收费", table.Text(fees, 1));
        Assert.Equal(126.25m, table[fees, 2]!.Number);

        // 三: rows × columns under 申请人情况 › 自然人 | 法人或其他组织 › 商业企业 … | 总计.
        var three = table.RowWhere(0, "三、");
        Assert.Equal("收到和处理政府信息公开申请情况（单位：件）", table.Text(three, 1));
        Assert.Equal("申请人情况", table.Text(three + 1, 2));
        Assert.Equal("自然人", table.Text(three + 2, 2));
        Assert.Equal("法人或其他组织", table.Text(three + 2, 3));
        Assert.Equal("商业企业", table.Text(three + 3, 3));
        Assert.Equal("总计", table.Text(three + 2, 8));
        Assert.Contains("D" + (three + 3) + ":H" + (three + 3), table.Merges);
        var applications = table.RowWhere(1, "本年新收政府信息公开申请数量");
        Assert.Equal(101m, table[applications, 2]!.Number);
        Assert.Null(table[applications, 3]);
        Assert.Equal("本年度办理结果", table.Text(table.RowWhere(1, "本年度办理结果"), 1));

        // 四: 行政复议 | 行政诉讼 › 未经复议直接起诉 | 复议后起诉, five columns under each, then one row of 15 figures.
        var heading = table.RowWhere(1, "政府信息公开行政复议、行政诉讼情况（单位：件）");
        Assert.Equal("四、", table.Text(heading, 0));
        Assert.Equal("行政复议", table.Text(heading + 1, 2));
        Assert.Equal("行政诉讼", table.Text(heading + 1, 7));
        Assert.Equal("未经复议直接起诉", table.Text(heading + 2, 7));
        Assert.Equal("复议后起诉", table.Text(heading + 2, 12));
        Assert.Contains($"C{heading + 2}:G{heading + 3}", table.Merges);
        Assert.Contains($"H{heading + 2}:Q{heading + 2}", table.Merges);
        Assert.Equal(Enumerable.Repeat(new[] { "结果维持", "结果纠正", "其他结果", "尚未审结", "总计" }, 3).SelectMany(labels => labels),
            Enumerable.Range(2, 15).Select(c => table.Text(heading + 3, c)));
        var figures = table.Rows[heading + 4];
        Assert.Equal(17, figures.Count);
        Assert.All(figures.Skip(2), cell => Assert.True(cell!.IsNumber));
        Assert.Equal(cells.Select((_, i) => (decimal)(2 * i + 101)), figures.Skip(2).Select(cell => cell!.Number));
    }

    [Fact]
    public async Task Should_keep_the_json_rollup_and_both_downloads_on_their_own_routes()
    {
        var (district, _) = await DistrictWithTwoOfThreeReportedAsync();
        var viewer = api.Client(district.Keys["viewer@root"]);

        var json = await viewer.GetAsync(Url(district, 2017));
        await json.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        Assert.Equal(11m, (await json.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("values").GetProperty("1.1.2").GetProperty("value").GetDecimal());

        Assert.Equal(Xlsx, (await viewer.GetAsync(Url(district, 2017, ".xlsx"))).Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/csv", (await viewer.GetAsync(Url(district, 2017, ".csv"))).Content.Headers.ContentType?.MediaType);
        // Any other extension is no year.
        await (await viewer.GetAsync(Url(district, 2017, ".pdf"))).ShouldBeProblem(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(".xlsx")]
    [InlineData(".csv")]
    public async Task Should_refuse_a_reporter_hide_the_tenant_from_other_tenants_and_answer_being_computed_before_the_rollup(string extension)
    {
        var district = await _data.DistrictAsync();
        var stranger = await _data.DistrictAsync();

        await (await api.Client(district.Keys["reporter@root"]).GetAsync(Url(district, 2017, extension))).ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await api.Client(stranger.Keys["viewer@root"]).GetAsync(Url(district, 2017, extension))).ShouldBeProblem(HttpStatusCode.NotFound);

        var viewer = api.Client(district.Keys["viewer@root"]);
        var nothing = await (await viewer.GetAsync(Url(district, 2017, extension))).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal("no-reports", nothing.GetProperty("reason").GetString());

        // A report is in but the rollup trigger never heard of it: the figures are on their way, not there.
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        await _rows.StoreAsync(tenantId, a.Id, 2017, "bj-gip-2017", new Dictionary<string, decimal?> { ["1.1"] = 975 }, notify: false);
        var pending = await (await viewer.GetAsync(Url(district, 2017, extension))).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal("being-computed", pending.GetProperty("reason").GetString());

        // A unit with no units below it has no rollup: the same answer as GET …/rollups/{year}.
        var unitUrl = $"/api/v1/tenants/{district.Tenant}/org-units/{district.SubDistrictA}/rollups/2017";
        var leaf = await (await viewer.GetAsync(unitUrl + extension)).ShouldBeProblem(HttpStatusCode.NotFound);
        var json = await (await viewer.GetAsync(unitUrl)).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal(json.GetProperty("detail").GetString(), leaf.GetProperty("detail").GetString());
    }

    [Fact]
    public void Should_list_in_the_completeness_sheet_who_reported_on_time_who_late_and_who_is_missing()
    {
        var rollup = new Api.Features.Rollups.Export.StoredRollup(1, "110102", "西城区", 2017, SeedReport.Catalog.Find("bj-gip-2017")!,
            new DateTime(2018, 2, 1, 8, 0, 0, DateTimeKind.Utc), false, 3, 2, new Dictionary<string, decimal?>(), []);
        var beijing = TimeSpan.FromHours(8);
        var timeliness = new Completeness.Response(2017, new DateTimeOffset(2018, 1, 31, 23, 59, 59, beijing),
            Expected: 3, Reported: 2, Counted: 1, OnTime: 1, Late: 1, AwaitingReview: 1, Returned: 0,
            [new Completeness.MissingUnit("110102015", "广安门外街道")],
            [
                new Completeness.UnitCompleteness("110102003", "陶然亭街道", "accepted", 1, 1, new DateTimeOffset(2018, 1, 20, 10, 30, 0, beijing), true),
                new Completeness.UnitCompleteness("110102011", "广安门内街道", "submitted", null, 1, new DateTimeOffset(2018, 2, 1, 9, 0, 0, beijing), false),
                new Completeness.UnitCompleteness("110102015", "广安门外街道", "missing", null, null, null, null),
            ]);

        var sheet = SheetRead.ReadWorkbook(XlsxWorkbook.Write([CompletenessTable.Build(rollup, timeliness)]))["完成情况"];

        Assert.Contains("2018-01-31 23:59", sheet.Text(1, 0));
        var counts = sheet.RowWhere(0, "应报单位") + 1;
        Assert.Equal([3m, 2m, 1m, 1m, 1m, 0m, 1m], Enumerable.Range(0, 7).Select(c => sheet[counts, c]!.Number));
        var late = sheet.RowWhere(0, "110102011");
        Assert.Equal(["110102011", "广安门内街道", "待审核", "2018-02-01 09:00", "逾期"], Enumerable.Range(0, 5).Select(c => sheet.Text(late, c)));
        // The dashboard page's word for an accepted report (Dashboard/js/app.js), not a second one.
        Assert.Equal("已采用", sheet.Text(sheet.RowWhere(0, "110102003"), 2));
        var missing = sheet.RowWhere(0, "110102015");
        Assert.Equal("未报送", sheet.Text(missing, 2));
        Assert.Null(sheet[missing, 3]);
        Assert.Equal("未报送单位（1）", sheet.Text(sheet.RowWhere(0, "未报送单位（1）"), 0));
    }

    private static decimal SeedValue(string code) => SeedReport.Values.Single(pair => pair.Key == code).Value!.Value;
}
