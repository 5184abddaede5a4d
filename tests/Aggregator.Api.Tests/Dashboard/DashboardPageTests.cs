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
/// The district office's page at /dashboard/, opened in a real headless Chromium against the API on its Kestrel
/// port: logged in with a key as an officer would, under the CSP the API sends with the page (scripts, styles and
/// fetches from its own origin only: a refusal fails the test).
/// The screenshots are written to the test output folder: bin/…/artifacts/dashboard-1366x768.png (the screen) and
/// dashboard-full-page.png (the whole page).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardPageTests(ApiFixture api, Chromium chromium) : IClassFixture<Chromium>
{
    public static string ScreenshotPath => Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard-1366x768.png");
    public static string FullPageScreenshotPath => Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard-full-page.png");

    private readonly ReportRows _rows = new(api);
    private readonly TestData _data = new(api);

    private Uri ApiAddress => api.Client().BaseAddress!;

    /// <summary>
    /// 陶然亭街道 and 广安门内街道 report the seed for 2016 (制发规范性文件总数 3 and 5) and for 2017 (4 and 70: a swing
    /// worth a quality flag); 白纸坊街道 reports nothing.
    /// </summary>
    private async Task<(District District, string Missing)> DistrictWithTwoOfThreeReportedAsync()
    {
        var district = await _data.DistrictAsync();
        var missing = await _data.OrgUnitAsync(district.Tenant, name: "白纸坊街道");
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        foreach (var (year, a, b) in new[] { (2016, 3, 5), (SeedReport.Year, 4, 70) })
        {
            await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1.2", a), year))
                .ShouldHaveStatus(HttpStatusCode.Created);
            await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictB, TestData.ReportFor().With("1.1.2", b), year))
                .ShouldHaveStatus(HttpStatusCode.Created);
        }
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        await _rows.WaitForFiguresAsync(tenantId, 2016);
        await _rows.WaitForFiguresAsync(tenantId, SeedReport.Year);
        return (district, missing);
    }

    /// <summary>A fresh page; its script errors and whatever the page's Content-Security-Policy refuses are collected.</summary>
    private async Task<(IPage Page, List<string> Faults)> OpenAsync()
    {
        var page = await chromium.PageAsync(ApiAddress);
        var faults = new List<string>();
        page.PageError += (_, error) => faults.Add($"script error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) faults.Add(message.Text);
        };
        return (page, faults);
    }

    /// <summary>Signs in as an officer does: the key alone, no tenant code (the page asks GET /api/v1/me).</summary>
    private static async Task LogInAsync(IPage page, string key)
    {
        await page.GotoAsync("/dashboard");
        await Expect(page.GetByLabel("租户代码（区代码）")).ToHaveCountAsync(0);
        await page.GetByLabel("API 密钥").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
    }

    /// <summary>The year districts report in now: the calendar year before this one in the tenant's time zone.</summary>
    private async Task<int> ReportingYearAsync(District district)
    {
        var tenant = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(tenant.GetProperty("timeZone").GetString()!);
        return TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).Year - 1;
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "artifacts", $"dashboard-{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
    }

    /// <summary>What the page shows a person, without the codes and key names it prints: no English sentence in it.</summary>
    private static void AssertNoEnglishSentence(string text) =>
        Assert.DoesNotMatch(@"[A-Za-z]{3,}(\s+[A-Za-z]{2,}){2,}", text);

    private static string Figure(decimal value) => value.ToString("#,0.####", CultureInfo.InvariantCulture);

    private static decimal Seed(string code) => SeedReport.Values.Single(v => v.Key == code).Value!.Value;

    [Fact]
    public async Task Should_show_the_district_table_with_the_seeded_figures_and_who_reported_after_logging_in_with_a_viewer_key()
    {
        var (district, missing) = await DistrictWithTwoOfThreeReportedAsync();
        var (page, faults) = await OpenAsync();

        await LogInAsync(page, district.Keys["viewer@root"]);

        // The tenant and the unit come from the key; the years offered are the two with figures and the reporting year.
        await Expect(page.Locator("#who-text")).ToContainTextAsync("西城区");
        var reporting = await ReportingYearAsync(district);
        var years = await page.Locator("#year option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");
        Assert.Equal(new[] { reporting, 2017, 2016 }.Distinct().Select(y => y.ToString(CultureInfo.InvariantCulture)), years);

        // The consolidated table in template order: sums of the two reports, headings between them, 2016 beside them.
        var table = page.Locator("#rollup-table");
        await Expect(page.Locator("#year")).ToHaveValueAsync("2017");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.value")).ToHaveTextAsync("74");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.base")).ToHaveTextAsync("8");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.delta")).ToHaveTextAsync("+66");
        await Expect(table.Locator("tr[data-code='1.1.2'] td.pct")).ToHaveTextAsync("+825%");
        await Expect(table.Locator("tr[data-code='1.1'] td.delta")).ToHaveTextAsync("0");
        await Expect(table.Locator("tr[data-code='1.1'] td.value")).ToHaveTextAsync(Figure(2 * Seed("1.1")));
        await Expect(table.Locator("tr[data-code='3.1'] td.value")).ToHaveTextAsync(Figure(2 * Seed("3.1")));
        await Expect(table.Locator("tr[data-code='1.1'] td.label")).ToContainTextAsync("主动公开政府信息数");
        await Expect(table.Locator("tr[data-code='7'] td.value")).ToHaveTextAsync(""); // fees: left blank by both
        var codes = await table.Locator("tbody tr[data-code]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.code)");
        var template = SeedReport.Catalog.Find(SeedReport.Template)!;
        Assert.Equal(template.Layout.Where(r => !r.IsGroup).Select(r => r.Code), codes);
        await Expect(table.Locator("tr.heading").First).ToContainTextAsync("主动公开情况");

        // Who reported: both sub-districts on the list as accepted, 白纸坊街道 missing.
        var units = page.Locator("#completeness-table");
        await Expect(units.Locator($"tr[data-org='{district.SubDistrictA}']")).ToContainTextAsync("陶然亭街道");
        await Expect(units.Locator($"tr[data-org='{district.SubDistrictA}'] td.status")).ToHaveTextAsync("已采用");
        await Expect(units.Locator($"tr[data-org='{district.SubDistrictB}'] td.status")).ToHaveTextAsync("已采用");
        await Expect(units.Locator($"tr[data-org='{missing}'] td.status")).ToHaveTextAsync("未报送");
        await Expect(page.Locator("#completeness-counts")).ToContainTextAsync("未报送");

        // The quality flags: 广安门内街道's 制发规范性文件总数 went from 5 to 70.
        var swing = page.Locator("#quality-table tr.flag-swing", new() { HasText = "广安门内街道" });
        await Expect(swing).ToHaveCountAsync(1);
        await Expect(swing).ToContainTextAsync("同比大幅波动");
        await Expect(swing.Locator("td").Nth(2)).ToHaveTextAsync("1.1.2");
        await Expect(swing.Locator("td").Nth(3)).ToHaveTextAsync("70");

        // The key is in the tab's sessionStorage only, never in the address.
        Assert.Equal(district.Keys["viewer@root"], await page.EvaluateAsync<string>("() => sessionStorage.getItem('aggregator.dashboard.key')"));
        Assert.DoesNotContain(district.Keys["viewer@root"], page.Url, StringComparison.Ordinal);

        // Both charts drew (a canvas each), first for the first indicator that adds up, then for the one picked.
        await Expect(page.Locator("#indicator")).ToHaveValueAsync("1.1");
        await Expect(page.Locator("#series-chart canvas")).ToHaveCountAsync(1);
        await Expect(page.Locator("#breakdown-chart canvas")).ToHaveCountAsync(1);
        await page.Locator("#indicator").SelectOptionAsync("1.1.2");
        await Expect(page.Locator("#series-chart")).ToHaveAttributeAsync("aria-label", "2016年（2/3 个单位）：8；2017年（2/3 个单位）：74");
        await Expect(page.Locator("#breakdown-chart")).ToHaveAttributeAsync("aria-label", "广安门内街道：70；陶然亭街道：4");

        // Fits a 1366×768 screen: the page itself never scrolls sideways.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the page scrolls sideways at 1366×768");

        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath });
        Assert.True(new FileInfo(ScreenshotPath).Length > 0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = FullPageScreenshotPath, FullPage = true });

        // The .xlsx, fetched with the key and saved under the name the API gives it.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "下载汇总表（.xlsx）" }).ClickAsync());
        Assert.Equal("西城区2017年汇总表.xlsx", download.SuggestedFilename);
        var saved = Path.Combine(Path.GetTempPath(), $"dashboard-{Guid.NewGuid():N}.xlsx");
        await download.SaveAsAsync(saved);
        var sheet = SheetRead.ReadWorkbook(await File.ReadAllBytesAsync(saved))["汇总表"];
        File.Delete(saved);
        Assert.Contains("西城区", sheet.Text(0, 0));

        // A reload keeps the tab's key: the page asks /me again and comes back to the same district.
        await page.ReloadAsync();
        await Expect(page.Locator("#who-text")).ToContainTextAsync("西城区");
        await Expect(page.Locator("#rollup-table tr[data-code='1.1.2'] td.value")).ToHaveTextAsync("74");

        // Logging out forgets the key.
        await page.GetByRole(AriaRole.Button, new() { Name = "退出登录" }).ClickAsync();
        await Expect(page.Locator("#login")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('aggregator.dashboard.key')"));

        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("bj-gip-2017")]
    [InlineData("cn-gip-2019")]
    [InlineData("cn-gip-2021")]
    public async Task Should_lay_out_every_indicator_of_a_template_once_in_the_table(string code)
    {
        var district = await _data.DistrictAsync();
        var template = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>($"/api/v1/templates/{code}");
        var (page, faults) = await OpenAsync();
        await page.GotoAsync("/dashboard/");

        // The page's own module, run in the page, on the template as the API gives it.
        var codes = await page.EvaluateAsync<string[]>(
            "async json => (await import('./js/figures.js')).templateLines(JSON.parse(json)).filter(l => l.code).map(l => l.code)",
            template.GetRawText());

        var expected = template.GetProperty("indicators").EnumerateArray().Select(i => i.GetProperty("code").GetString()!).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), codes.Order(StringComparer.Ordinal));
        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_sign_in_with_a_viewer_key_alone_name_the_district_and_offer_only_the_reporting_year_when_nothing_was_reported()
    {
        var district = await _data.DistrictAsync();
        var (page, faults) = await OpenAsync();

        await LogInAsync(page, district.Keys["viewer@root"]);

        await Expect(page.Locator("#board")).ToBeVisibleAsync();
        await Expect(page.Locator("#who-text")).ToContainTextAsync($"西城区（{district.Tenant}）");
        var reporting = (await ReportingYearAsync(district)).ToString(CultureInfo.InvariantCulture);
        var years = await page.Locator("#year option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");
        Assert.Equal([reporting], years);
        await Expect(page.Locator("#year")).ToHaveValueAsync(reporting);
        await Expect(page.Locator("#download")).ToBeDisabledAsync(); // nothing to download yet
        await ScreenshotAsync(page, "viewer-nothing-reported");
        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_say_in_Chinese_that_the_key_is_invalid_and_show_no_English_sentence_when_the_key_is_wrong()
    {
        const string wrongKey = "agg_not-a-key-of-anyone-0123456789abcdefghijklmnopqrstuvwx";
        var problem = await api.Client(wrongKey).GetAsync("/api/v1/me");
        var detail = (await problem.ShouldBeProblem(HttpStatusCode.Unauthorized)).GetProperty("detail").GetString()!;
        var (page, faults) = await OpenAsync();

        await LogInAsync(page, wrongKey);

        await Expect(page.Locator("#login-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#login-error")).ToContainTextAsync("密钥无效或已撤销");
        await Expect(page.Locator("#login-error")).Not.ToContainTextAsync(detail);
        AssertNoEnglishSentence(await page.Locator("body").InnerTextAsync());
        await Expect(page.Locator("#board")).ToBeHiddenAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('aggregator.dashboard.key')"));
        await ScreenshotAsync(page, "wrong-key");

        // A key no header can carry (pasted with Chinese text in it) is named as malformed, not as a network failure.
        await page.GetByLabel("API 密钥").FillAsync("agg_密钥");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.Locator("#login-error")).ToContainTextAsync("密钥格式不正确");
        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_tell_a_reporter_in_Chinese_that_the_page_is_for_district_officers_and_leave_nothing_enabled()
    {
        var (district, _) = await DistrictWithTwoOfThreeReportedAsync();
        var (page, faults) = await OpenAsync();

        await LogInAsync(page, district.Keys["reporter@a"]);

        await Expect(page.Locator("#login-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#login-error")).ToContainTextAsync("区政务公开办");
        AssertNoEnglishSentence(await page.Locator("body").InnerTextAsync());
        await Expect(page.Locator("#board")).ToBeHiddenAsync();
        await Expect(page.Locator("#download")).ToBeDisabledAsync();
        Assert.Equal(0, await page.Locator("#board button:enabled, #board select:enabled").CountAsync());
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('aggregator.dashboard.key')"));
        await ScreenshotAsync(page, "reporter-refused");
        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_tell_the_platform_admin_in_Chinese_that_its_key_has_no_district_to_show()
    {
        var (page, faults) = await OpenAsync();

        await LogInAsync(page, ApiFixture.AdminKey);

        await Expect(page.Locator("#login-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#login-error")).ToContainTextAsync("平台管理员");
        await Expect(page.Locator("#login-error")).ToContainTextAsync("没有可显示的区");
        AssertNoEnglishSentence(await page.Locator("body").InnerTextAsync());
        await Expect(page.Locator("#board")).ToBeHiddenAsync();
        await Expect(page.Locator("#download")).ToBeDisabledAsync();
        await ScreenshotAsync(page, "admin-refused");
        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }
}

/// <summary>The page as files: served without a key, under /dashboard/ only, and free of what a strict CSP refuses.</summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardFilesTests(ApiFixture api)
{
    private static string PageFolder => RepositoryPaths.Of("src", "Aggregator.Api", "Dashboard");

    [Fact]
    public async Task Should_redirect_to_the_folder_and_serve_the_page_and_its_modules_without_a_key()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = api.Client().BaseAddress };

        var redirect = await client.GetAsync("/dashboard");
        Assert.True(redirect.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found, $"got {(int)redirect.StatusCode}");
        Assert.EndsWith("/dashboard/", redirect.Headers.Location!.ToString());

        var index = await client.GetAsync("/dashboard/");
        await index.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.Contains("区级看板", await index.Content.ReadAsStringAsync());

        foreach (var module in new[] { "/dashboard/js/app.js", "/dashboard/vendor/echarts/echarts.esm.min.js" })
        {
            var script = await client.GetAsync(module);
            await script.ShouldHaveStatus(HttpStatusCode.OK);
            Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        }
        // Under a policy that runs no inline script or style (the browser tests fail on any refusal of it).
        var policy = index.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("style-src 'self'", policy);
        Assert.DoesNotContain("unsafe-", policy);

        // Only the page's files: its C# stays out of the served folder.
        await (await client.GetAsync("/dashboard/DashboardPage.cs")).ShouldHaveStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public void Should_have_no_inline_script_or_style_no_event_attribute_and_no_address_outside_the_page()
    {
        var own = Directory.EnumerateFiles(PageFolder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".html", StringComparison.Ordinal) || f.EndsWith(".js", StringComparison.Ordinal) || f.EndsWith(".css", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}vendor{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(own);
        foreach (var file in own)
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotMatch(@"(?i)https?://", text);
            Assert.DoesNotMatch(@"\beval\(|new Function\(", text);
            if (!file.EndsWith(".html", StringComparison.Ordinal)) continue;
            Assert.DoesNotMatch(@"(?i)<script(?![^>]*\bsrc=)[^>]*>", text);
            Assert.DoesNotMatch(@"(?i)<style|\sstyle=|\son[a-z]+=", text);
        }
        // The vendored chart library keeps its licence beside it.
        Assert.True(File.Exists(Path.Combine(PageFolder, "vendor", "echarts", "LICENSE")));
    }
}
