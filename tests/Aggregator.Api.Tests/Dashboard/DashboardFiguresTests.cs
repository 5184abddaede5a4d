using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aggregator.Api.Tests.Dashboard;

/// <summary>
/// The officer's desk in Chromium at 1366×768: changes like for like (and all units at the flick of a switch), the
/// units each figure covers, the work first in 报送情况, and the units × indicators grid from the table read. A district
/// as 西城区 has it: seven sub-districts, of which in 2017 four are accepted, one awaits review, one was returned with a
/// comment and one sent nothing; in 2016 only three reported.
/// Screenshots go to bin/…/artifacts/dashboard-*.png, and with AGGREGATOR_WRITE_SCREENSHOTS=1 also beside the page
/// (src/Aggregator.Api/Dashboard/screenshots/, and screenshot.png for the README).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardFiguresTests(ApiFixture api, Chromium chromium) : IClassFixture<Chromium>
{
    private const int Year = SeedReport.Year;
    private const int BaseYear = Year - 1;
    private const string ReturnComment = "1.2 重点领域公开信息数与分项不符，请核对后重新报送。";

    private readonly ReportRows _rows = new(api);

    private Uri ApiAddress => api.Client().BaseAddress!;

    /// <summary>A district and its seven sub-districts (real names, codes below the district's), in code order.</summary>
    private sealed record Xicheng(string Tenant, IReadOnlyList<(string Code, string Name)> Units, IReadOnlyDictionary<string, string> Keys)
    {
        public string Accepted(int i) => Units[i].Code; // 0–3
        public string Awaiting => Units[4].Code;
        public string Returned => Units[5].Code;
        public string Missing => Units[6].Code;
        public string Path(string what) => $"/api/v1/tenants/{Tenant}/org-units/{Tenant}/{what}";
    }

    private static readonly (string Suffix, string Name)[] SubDistricts =
    [
        ("001", "西长安街街道"), ("003", "新街口街道"), ("007", "月坛街道"), ("009", "展览路街道"),
        ("010", "德胜街道"), ("011", "金融街街道"), ("012", "什刹海街道"),
    ];

    // 制发规范性文件总数 (1.1.2) of each sub-district: 2016 (the first three only) and 2017.
    private static readonly int[] Before = [10, 12, 8];
    private static readonly int[] Now = [11, 14, 9, 20, 7, 5];

    // 主动公开政府信息数 (1.1), at most the seed's 975 so that the channels (1.3.x) still add up to it or more.
    private static readonly int[] PublishedBefore = [880, 760, 701];
    private static readonly int[] PublishedNow = [975, 812, 690, 904, 733, 650];

    /// <summary>
    /// 2016 with review off: three sub-districts, accepted on receipt. Then review required; 2017: six report, a reviewer
    /// accepts four, leaves one waiting and returns one with a comment; 什刹海街道 sends nothing.
    /// </summary>
    private async Task<Xicheng> XichengAsync(string? tenantCode = null)
    {
        var tenant = tenantCode ?? TestData.UniqueCode("t");
        await (await api.Admin().PostAsJsonAsync("/api/v1/tenants", new { code = tenant, name = "西城区", kind = "district" }))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var units = new List<(string, string)>();
        foreach (var (suffix, name) in SubDistricts)
        {
            var code = tenant + suffix;
            await (await api.Admin().PostAsJsonAsync($"/api/v1/tenants/{tenant}/org-units", new { code, name, kind = "sub-district", parent = (string?)null }))
                .ShouldHaveStatus(HttpStatusCode.Created);
            units.Add((code, name));
        }
        var data = new TestData(api);
        var keys = new Dictionary<string, string>();
        foreach (var role in new[] { "tenant-admin", "reviewer", "viewer" }) keys[role] = (await data.KeyAsync(tenant, tenant, role)).Key;
        var district = new Xicheng(tenant, units, keys);
        var admin = api.Client(keys["tenant-admin"]);
        var reviewer = api.Client(keys["reviewer"]);

        for (var i = 0; i < Before.Length; i++)
            await (await TestData.PostReportAsync(admin, tenant, district.Units[i].Code, TestData.ReportFor().With("1.1.2", Before[i]).With("1.1", PublishedBefore[i]), BaseYear))
                .ShouldHaveStatus(HttpStatusCode.Created);
        await (await admin.PutAsJsonAsync($"/api/v1/tenants/{tenant}/settings", new { review = "required" })).ShouldHaveStatus(HttpStatusCode.OK);
        for (var i = 0; i < Now.Length; i++)
            await (await TestData.PostReportAsync(admin, tenant, district.Units[i].Code, TestData.ReportFor().With("1.1.2", Now[i]).With("1.1", PublishedNow[i]), Year))
                .ShouldHaveStatus(HttpStatusCode.Created);
        for (var i = 0; i < 4; i++)
            await (await reviewer.PostAsJsonAsync($"{TestData.ReportPath(tenant, district.Accepted(i))}/versions/1/accept", new { comment = "数据无误" }))
                .ShouldHaveStatus(HttpStatusCode.OK);
        await (await reviewer.PostAsJsonAsync($"{TestData.ReportPath(tenant, district.Returned)}/versions/1/return", new { comment = ReturnComment }))
            .ShouldHaveStatus(HttpStatusCode.OK);

        var tenantId = await _rows.TenantIdAsync(tenant);
        await _rows.WaitForFiguresAsync(tenantId, BaseYear);
        await _rows.WaitForFiguresAsync(tenantId, Year);
        return district;
    }

    private async Task<(IPage Page, List<string> Faults)> SignedInAsync(Xicheng district, string role = "viewer")
    {
        var page = await chromium.PageAsync(ApiAddress);
        var faults = new List<string>();
        page.PageError += (_, error) => faults.Add($"script error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) faults.Add(message.Text);
        };
        await page.GotoAsync("/dashboard/");
        await page.GetByLabel("API 密钥").FillAsync(district.Keys[role]);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.Locator("#board")).ToBeVisibleAsync();
        await page.Locator("#year").SelectOptionAsync(Year.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator($"#completeness-table tr[data-org-code='{district.Missing}'] td.status")).ToHaveTextAsync("未报送");
        await Expect(page.Locator("#rollup-table tr[data-code='1.1.2'] td.value")).ToHaveTextAsync(Figure(Now.Take(4).Sum()));
        return (page, faults);
    }

    private async Task<JsonElement> GetAsync(Xicheng district, string path) =>
        await api.Client(district.Keys["viewer"]).GetFromJsonAsync<JsonElement>(path);

    private static async Task ScreenshotAsync(IPage page, string name, bool fullPage = false)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "artifacts", $"dashboard-{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        if (Environment.GetEnvironmentVariable("AGGREGATOR_WRITE_SCREENSHOTS") != "1") return;
        var folder = RepositoryPaths.Of("src", "Aggregator.Api", "Dashboard", "screenshots");
        Directory.CreateDirectory(folder);
        File.Copy(path, Path.Combine(folder, $"{name}.png"), overwrite: true);
    }

    private static string Figure(decimal? value) => value is { } v ? v.ToString("#,0.####", CultureInfo.InvariantCulture) : "";

    private static string Signed(decimal? value) => value is { } v ? (v > 0 ? "+" : "") + Figure(v) : "";

    private static string Percent(decimal? value) =>
        value is { } v ? (v > 0 ? "+" : "") + Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "";

    private static decimal? Decimal(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetDecimal();

    [Fact]
    public async Task Should_count_a_returned_unit_as_returned_not_as_reported_and_show_the_reviewers_comment_beside_it()
    {
        var district = await XichengAsync();

        var c = await GetAsync(district, district.Path($"completeness/{Year}"));

        Assert.Equal(7, c.GetProperty("expected").GetInt32());
        Assert.Equal(5, c.GetProperty("reported").GetInt32()); // four accepted, one awaiting review; not the returned one
        Assert.Equal(1, c.GetProperty("awaitingReview").GetInt32());
        Assert.Equal(1, c.GetProperty("returned").GetInt32());
        Assert.Equal(4, c.GetProperty("counted").GetInt32());
        Assert.Equal(district.Missing, Assert.Single(c.GetProperty("missing").EnumerateArray()).GetProperty("orgUnit").GetString());
        Assert.Equal(c.GetProperty("expected").GetInt32(),
            c.GetProperty("reported").GetInt32() + c.GetProperty("returned").GetInt32() + c.GetProperty("missing").GetArrayLength());
        Assert.Equal(c.GetProperty("reported").GetInt32(), c.GetProperty("onTime").GetInt32() + c.GetProperty("late").GetInt32());
        var units = c.GetProperty("units").EnumerateArray().ToDictionary(u => u.GetProperty("orgUnit").GetString()!);
        Assert.Equal("returned", units[district.Returned].GetProperty("status").GetString());
        Assert.Equal(ReturnComment, units[district.Returned].GetProperty("returnComment").GetString());
        // An accepted unit's acceptance comment is not a return comment.
        Assert.Equal(JsonValueKind.Null, units[district.Accepted(0)].GetProperty("returnComment").ValueKind);
        Assert.Equal(JsonValueKind.Null, units[district.Missing].GetProperty("returnComment").ValueKind);

        // A new version of the returned unit makes it reported (awaiting review) again, and its old comment is gone.
        await (await TestData.PostReportAsync(api.Client(district.Keys["tenant-admin"]), district.Tenant, district.Returned,
            TestData.ReportFor().With("1.1.2", 6), Year)).ShouldHaveStatus(HttpStatusCode.Created);
        var after = await GetAsync(district, district.Path($"completeness/{Year}"));
        Assert.Equal(6, after.GetProperty("reported").GetInt32());
        Assert.Equal(0, after.GetProperty("returned").GetInt32());
        Assert.Equal(2, after.GetProperty("awaitingReview").GetInt32());
        var resent = after.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("orgUnit").GetString() == district.Returned);
        Assert.Equal(("submitted", JsonValueKind.Null), (resent.GetProperty("status").GetString(), resent.GetProperty("returnComment").ValueKind));
    }

    [Fact]
    public async Task Should_answer_each_years_coverage_in_the_series_so_that_a_year_of_fewer_units_can_be_marked()
    {
        var district = await XichengAsync();

        var series = await GetAsync(district, district.Path("series?indicator=1.1.2"));

        var points = series.GetProperty("points").EnumerateArray()
            .Select(p => (p.GetProperty("year").GetInt32(), p.GetProperty("countedUnits").GetInt32(), p.GetProperty("expectedUnits").GetInt32(), Decimal(p.GetProperty("value"))))
            .ToList();
        Assert.Equal([(BaseYear, 3, 7, Before.Sum()), (Year, 4, 7, Now.Take(4).Sum())], points);
        // A unit's own report has no coverage.
        var own = await GetAsync(district, $"/api/v1/tenants/{district.Tenant}/org-units/{district.Accepted(0)}/series?indicator=1.1.2");
        Assert.All(own.GetProperty("points").EnumerateArray(), p => Assert.Equal(JsonValueKind.Null, p.GetProperty("countedUnits").ValueKind));
    }

    [Fact]
    public async Task Should_show_changes_like_for_like_by_default_as_the_API_computes_them_and_all_units_when_the_switch_is_off()
    {
        var district = await XichengAsync();
        var comparison = (await GetAsync(district, district.Path($"comparisons/{Year}"))).GetProperty("values");
        var rollup = (await GetAsync(district, district.Path($"rollups/{Year}"))).GetProperty("values");
        var (page, faults) = await SignedInAsync(district);
        var table = page.Locator("#rollup-table");

        // Like for like by default: 1.1.2 over the three units counted in both years, 34 against 30, not 54 against 30.
        await Expect(page.Locator("#like-for-like")).ToBeCheckedAsync();
        await Expect(table.Locator("tr[data-code='1.1.2'] td.now")).ToHaveTextAsync("34");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.base")).ToHaveTextAsync("30");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.delta")).ToHaveTextAsync("+4");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.pct")).ToHaveTextAsync("+13.3%");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.cover")).ToHaveTextAsync("3/7");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.cover")).ToHaveAttributeAsync("title", "3/7 个单位");
        await Expect(page.Locator("#table-meta")).ToContainTextAsync("本年合计计入 4/7 个单位");
        await Expect(page.Locator("#table-meta")).ToContainTextAsync("同口径");
        // Every row as the API's likeForLike answers it.
        foreach (var code in new[] { "1.1", "1.1.2", "3.1" })
        {
            var lfl = comparison.GetProperty(code).GetProperty("likeForLike");
            var row = table.Locator($"tr[data-code='{code}']");
            await Expect(row.Locator("td.value")).ToHaveTextAsync(Figure(Decimal(rollup.GetProperty(code).GetProperty("value"))));
            await Expect(row.Locator("td.now")).ToHaveTextAsync(Figure(Decimal(lfl.GetProperty("value"))));
            await Expect(row.Locator("td.base")).ToHaveTextAsync(Figure(Decimal(lfl.GetProperty("baseValue"))));
            await Expect(row.Locator("td.delta")).ToHaveTextAsync(Signed(Decimal(lfl.GetProperty("delta"))));
            await Expect(row.Locator("td.pct")).ToHaveTextAsync(Percent(Decimal(lfl.GetProperty("pctChange"))));
            await Expect(row.Locator("td.cover")).ToHaveTextAsync($"{lfl.GetProperty("units").GetInt32()}/7");
        }
        // The history chart marks each year's coverage and flags 2016, which covers fewer units.
        await page.Locator("#indicator").SelectOptionAsync("1.1.2");
        await Expect(page.Locator("#series-chart")).ToHaveAttributeAsync("aria-label",
            $"{BaseYear}年（3/7 个单位，口径不同）：30；{Year}年（4/7 个单位）：54");
        await ScreenshotAsync(page, "like-for-like");

        // All units: the totals of both years, the change between them, and the units this year's total covers.
        await page.Locator("#like-for-like").UncheckAsync();
        await Expect(table.Locator("tr[data-code='1.1.2'] td.base")).ToHaveTextAsync("30");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.delta")).ToHaveTextAsync("+24");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.pct")).ToHaveTextAsync("+80%");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.cover")).ToHaveTextAsync("4/7");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.now")).ToBeHiddenAsync();
        await Expect(table.Locator("#base-head")).ToHaveTextAsync("上年合计");
        foreach (var code in new[] { "1.1", "3.1" })
        {
            var all = comparison.GetProperty(code);
            var row = table.Locator($"tr[data-code='{code}']");
            await Expect(row.Locator("td.base")).ToHaveTextAsync(Figure(Decimal(all.GetProperty("baseValue"))));
            await Expect(row.Locator("td.delta")).ToHaveTextAsync(Signed(Decimal(all.GetProperty("delta"))));
            await Expect(row.Locator("td.pct")).ToHaveTextAsync(Percent(Decimal(all.GetProperty("pctChange"))));
        }
        await ScreenshotAsync(page, "all-units");

        // And back.
        await page.Locator("#like-for-like").CheckAsync();
        await Expect(table.Locator("tr[data-code='1.1.2'] td.delta")).ToHaveTextAsync("+4");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the page scrolls sideways at 1366×768");
        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_list_the_work_first_with_counts_that_each_mean_one_thing_the_return_comment_and_the_missing_units_to_copy()
    {
        var district = await XichengAsync();
        var (page, faults) = await SignedInAsync(district);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = ApiAddress.GetLeftPart(UriPartial.Authority) });

        // Awaiting review, returned and missing first, then the accepted ones (in code order within each).
        var order = await page.Locator("#completeness-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.orgCode)");
        Assert.Equal([district.Awaiting, district.Returned, district.Missing, .. Enumerable.Range(0, 4).Select(district.Accepted)], order);
        var statuses = await page.Locator("#completeness-table tbody td.status").AllInnerTextsAsync();
        Assert.Equal(["待审核", "已退回", "未报送", "已采用", "已采用", "已采用", "已采用"], statuses);

        // The counts: 7 expected = 5 reported (1 awaiting + 4 accepted) + 1 returned + 1 missing; the five reported in 2026, late.
        var cards = await page.Locator("#completeness-counts .count").EvaluateAllAsync<string[]>(
            "cards => cards.map(c => c.querySelector('.l').textContent + '=' + c.querySelector('.n').textContent)");
        Assert.Equal(["应报单位=7", "已报送=5", "待审核=1", "已采用=4", "已退回=1", "未报送=1", "逾期报送=5"], cards);

        // The return's comment beside its unit.
        await Expect(page.Locator($"#completeness-table tr[data-org-code='{district.Returned}'] td.comment")).ToHaveTextAsync(ReturnComment);

        // All of it above the fold at 1366×768, without a scroll box of its own.
        foreach (var row in new[] { district.Awaiting, district.Returned, district.Missing, district.Accepted(3) })
        {
            var box = (await page.Locator($"#completeness-table tr[data-org-code='{row}']").BoundingBoxAsync())!;
            Assert.True(box.Y + box.Height <= 768, $"the row of {row} ends at {box.Y + box.Height}px, below the fold");
        }

        // What to do about the missing: the deadline, and the list to copy into a reminder.
        await Expect(page.Locator("#missing-due")).ToContainTextAsync("报送截止时间：2018/1/31 23:59:59");
        await Expect(page.Locator("#missing-list")).ToHaveTextAsync($"什刹海街道（{district.Missing}）");
        await page.GetByRole(AriaRole.Button, new() { Name = "复制名单" }).ClickAsync();
        await Expect(page.Locator("#copy-result")).ToHaveTextAsync("已复制 1 个单位");
        Assert.Equal($"什刹海街道（{district.Missing}）", await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // A unit's name opens it: the page says so to the review panel, by mouse or by keyboard.
        await page.EvaluateAsync("() => { window.opened = []; document.addEventListener('unit-open', e => window.opened.push(e.detail)); }");
        await page.Locator($"#completeness-table tr[data-org-code='{district.Returned}'] button").ClickAsync();
        await page.Locator($"#completeness-table tr[data-org-code='{district.Awaiting}'] button").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator($"[data-org-code='{district.Missing}']").ClickAsync(); // the row itself, once on the page
        var opened = await page.EvaluateAsync<string[]>("() => window.opened.map(d => `${d.code}|${d.name}|${d.status}`)");
        Assert.Equal([$"{district.Returned}|金融街街道|returned", $"{district.Awaiting}|德胜街道|submitted", $"{district.Missing}|什刹海街道|missing"], opened);
        await ScreenshotAsync(page, "work-first");

        // After an accept elsewhere on the page (figures-changed), the year is read again in place, without a reload.
        await page.EvaluateAsync("() => { window.notReloaded = true; }");
        await (await api.Client(district.Keys["reviewer"]).PostAsJsonAsync($"{TestData.ReportPath(district.Tenant, district.Awaiting)}/versions/1/accept",
            new { comment = "数据无误" })).ShouldHaveStatus(HttpStatusCode.OK);
        await _rows.WaitForFiguresAsync(await _rows.TenantIdAsync(district.Tenant), Year);
        await page.EvaluateAsync("() => document.dispatchEvent(new CustomEvent('figures-changed'))");
        await Expect(page.Locator($"#completeness-table tr[data-org-code='{district.Awaiting}'] td.status")).ToHaveTextAsync("已采用");
        await Expect(page.Locator("#rollup-table tr[data-code='1.1.2'] td.value")).ToHaveTextAsync(Figure(Now.Take(5).Sum()));
        await Expect(page.Locator($"#grid-table tbody tr[data-code='1.1.2'] td[data-unit='{district.Awaiting}']")).ToHaveTextAsync("7");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_lay_out_the_units_by_indicators_grid_from_the_table_read_in_the_order_of_the_official_table()
    {
        var district = await XichengAsync();
        var (page, faults) = await SignedInAsync(district);
        var grid = page.Locator("#grid-table");

        // Rows: the template's summable indicators in the official table's order.
        var template = SeedReport.Catalog.Find(SeedReport.Template)!;
        var summable = template.Layout.Where(r => !r.IsGroup && template.FindIndicator(r.Code)?.Aggregate == Aggregator.Domain.Templates.AggregateKind.Sum)
            .Select(r => r.Code).ToList();
        await Expect(grid.Locator("tbody tr[data-code='1.1.2']")).ToHaveCountAsync(1);
        var codes = await grid.Locator("tbody tr[data-code]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.code)");
        Assert.Equal(summable, codes);
        await Expect(grid.Locator("tbody tr.heading").First).ToContainTextAsync("主动公开情况");

        // Columns: the sub-districts as the table read answers them (tree order), then the total.
        var read = await GetAsync(district, district.Path($"table/{Year}?indicators=1.1.2,1.1"));
        var heads = await grid.Locator("thead th").AllInnerTextsAsync();
        Assert.Equal(["指标", .. read.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("name").GetString()!), "合计"], heads);
        Assert.Equal(SubDistricts.Select(s => s.Name), heads.Skip(1).SkipLast(1));

        // Cells: the table read's figures; the unaccepted units' cells empty.
        var rows = read.GetProperty("rows").EnumerateArray().ToList();
        foreach (var row in rows)
        {
            var cell = grid.Locator($"tbody tr[data-code='1.1.2'] td[data-unit='{row.GetProperty("orgUnit").GetString()}']");
            await Expect(cell).ToHaveTextAsync(Figure(Decimal(row.GetProperty("values")[0])));
        }
        await Expect(grid.Locator($"tbody tr[data-code='1.1.2'] td[data-unit='{district.Accepted(3)}']")).ToHaveTextAsync("20");
        await Expect(grid.Locator($"tbody tr[data-code='1.1.2'] td[data-unit='{district.Returned}']")).ToHaveTextAsync("");
        await Expect(grid.Locator("tbody tr[data-code='1.1.2'] td.total")).ToHaveTextAsync(Figure(Decimal(read.GetProperty("total")[0])));
        await grid.ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync(page, "grid");
        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// The README's picture: 西城区 under its real code, 110102, with its sub-districts' names and codes. The one test
    /// that uses the code 110102 (tenant codes are unique in the database the tests share).
    /// </summary>
    [Fact]
    public async Task Should_show_a_realistic_district_for_the_README_screenshot()
    {
        var district = await XichengAsync("110102");
        var (page, faults) = await SignedInAsync(district, "reviewer");
        await Expect(page.Locator("#who-text")).ToContainTextAsync("西城区（110102）");
        await page.Locator("#indicator").SelectOptionAsync("1.1.2");
        await Expect(page.Locator("#series-chart")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("口径不同"));

        var path = Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard-readme.png");
        await ScreenshotAsync(page, "readme");
        if (Environment.GetEnvironmentVariable("AGGREGATOR_WRITE_SCREENSHOTS") == "1")
            File.Copy(path, RepositoryPaths.Of("src", "Aggregator.Api", "Dashboard", "screenshot.png"), overwrite: true);
        await ScreenshotAsync(page, "readme-full-page", fullPage: true);
        Assert.True(new FileInfo(path).Length > 0);
        // The whole page a reviewer reads (quality flags, completeness, grid, charts' labels): no English sentence.
        Assert.DoesNotMatch(@"[A-Za-z]{3,}(\s+[A-Za-z]{2,}){2,}", await page.Locator("body").InnerTextAsync());
        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }
}
