using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aggregator.Api.Tests.Dashboard;

/// <summary>
/// Review on the page (js/review.js): a unit of the completeness list opens its report in a panel, with its versions,
/// the diff of the submitted version against the counted one, its rule warnings and, for a reviewer, accept and return.
/// Screenshots of each state go to bin/…/artifacts/review-*.png; with AGGREGATOR_WRITE_SCREENSHOTS=1 also beside the
/// page, as src/Aggregator.Api/Dashboard/screenshots/review-*.png (the committed ones).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class DashboardReviewTests(ApiFixture api, Chromium chromium) : IClassFixture<Chromium>
{
    private const int Year = SeedReport.Year;
    private const string ReturnComment = "3.1 与 3.1.1–3.1.4 之和不符，请核对后重新报送。";

    private readonly TestData _data = new(api);
    private readonly ReportRows _rows = new(api);

    private Uri ApiAddress => api.Client().BaseAddress!;

    /// <summary>
    /// Review required. 陶然亭街道 (A): v1 accepted, the year reopened, v2 submitted with 1.1 raised far above the channels
    /// of 1.3 (a warning) and 1.1.2 changed. 广安门内街道 (B): v1 submitted, nothing counted yet. 白纸坊街道: nothing.
    /// </summary>
    private async Task<District> DistrictAwaitingReviewAsync()
    {
        var district = await _data.DistrictAsync();
        await _data.OrgUnitAsync(district.Tenant, name: "白纸坊街道");
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        var reviewer = api.Client(district.Keys["reviewer@root"]);
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await admin.PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review = "required" })).ShouldHaveStatus(HttpStatusCode.OK);

        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().WithNote("首次报送")))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await (await reviewer.PostAsJsonAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions/1/accept", new { comment = "核对无误" }))
            .ShouldHaveStatus(HttpStatusCode.OK);
        await (await reviewer.PostAsJsonAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/reopen", new { comment = "补充更正" }))
            .ShouldHaveStatus(HttpStatusCode.OK);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA,
                TestData.ReportFor().With("1.1", 99999).With("1.1.2", 7).WithNote("更正主动公开数")))
            .ShouldHaveStatus(HttpStatusCode.Created);

        await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictB, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await _rows.WaitForFiguresAsync(await _data.TenantIdAsync(district.Tenant), Year);
        return district;
    }

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

    private static async Task LogInAsync(IPage page, string key)
    {
        await page.GotoAsync("/dashboard");
        await page.GetByLabel("API 密钥").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
    }

    /// <summary>Signed in, on the year of the reports, with the unit's row on the completeness list.</summary>
    private static async Task<ILocator> UnitRowAsync(IPage page, string code)
    {
        await Expect(page.Locator("#board")).ToBeVisibleAsync();
        await Expect(page.Locator("#year")).ToHaveValueAsync(Year.ToString(CultureInfo.InvariantCulture));
        var row = page.Locator($"[data-org-code='{code}']");
        await Expect(row).ToHaveCountAsync(1);
        return row;
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "artifacts", $"review-{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        Assert.True(new FileInfo(path).Length > 0);
        if (Environment.GetEnvironmentVariable("AGGREGATOR_WRITE_SCREENSHOTS") == "1")
        {
            var committed = RepositoryPaths.Of("src", "Aggregator.Api", "Dashboard", "screenshots", $"review-{name}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(committed)!);
            File.Copy(path, committed, overwrite: true);
        }
    }

    private static void AssertNoEnglishSentence(string text) => Assert.DoesNotMatch(EnglishSentence(), text);

    [GeneratedRegex(@"[A-Za-z]{3,}(\s+[A-Za-z]{2,}){2,}")]
    private static partial Regex EnglishSentence();

    private static string Figure(JsonElement value) =>
        value.ValueKind == JsonValueKind.Null ? "（空）" : value.GetDecimal().ToString("#,0.####", CultureInfo.InvariantCulture);

    /// <summary>The API's diff as the page should show it: code, the value it is compared with, the submitted value.</summary>
    private static List<string> DiffRows(JsonElement diff) =>
        diff.GetProperty("changed").EnumerateArray()
            .Select(c => $"{c.GetProperty("code").GetString()}|{Figure(c.GetProperty("from"))}|{Figure(c.GetProperty("to"))}")
            .Concat(diff.GetProperty("added").EnumerateArray().Select(c => $"{c.GetProperty("code").GetString()}|—|{Figure(c.GetProperty("value"))}"))
            .Concat(diff.GetProperty("removed").EnumerateArray().Select(c => $"{c.GetProperty("code").GetString()}|{Figure(c.GetProperty("value"))}|—"))
            .Order(StringComparer.Ordinal).ToList();

    private static async Task<List<string>> ShownDiffRowsAsync(IPage page) =>
        (await page.Locator("#review-diff tbody tr[data-code]").EvaluateAllAsync<string[]>(
            "rows => rows.map(r => [r.dataset.code, r.querySelector('td.from').textContent, r.querySelector('td.to').textContent].join('|'))"))
        .Order(StringComparer.Ordinal).ToList();

    private static Task<string[]> EnabledControlsAsync(IPage page) =>
        page.Locator("button:enabled, select:enabled, textarea:enabled, input:enabled")
            .EvaluateAllAsync<string[]>("nodes => nodes.filter(n => !n.closest('#login-form') && n.id !== 'logout').map(n => n.id || n.tagName)");

    private async Task<JsonElement> HistoryAsync(District district, string org) =>
        await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>($"{TestData.ReportPath(district.Tenant, org)}/versions");

    private static JsonElement Version(JsonElement history, int version) =>
        history.GetProperty("items").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == version);

    [Fact]
    public async Task Should_let_a_reviewer_accept_one_unit_after_seeing_its_diff_and_return_another_with_a_comment()
    {
        var district = await DistrictAwaitingReviewAsync();
        var apiDiff = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>(
            $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions/2/diff?against=1");
        Assert.NotEmpty(DiffRows(apiDiff));
        var (page, faults) = await OpenAsync();
        // The diff is held back until the test lets it through: until then nothing can be accepted.
        var diffAnswered = new TaskCompletionSource();
        await page.RouteAsync(new Regex(@"/versions/\d+/diff"), async route =>
        {
            await diffAnswered.Task;
            await route.ContinueAsync();
        });

        await LogInAsync(page, district.Keys["reviewer@root"]);
        var rowA = await UnitRowAsync(page, district.SubDistrictA);
        await Expect(rowA).ToContainTextAsync("待审核");
        await rowA.ClickAsync();

        var panel = page.Locator("#review-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel.Locator("#review-title")).ToContainTextAsync("陶然亭街道");
        // Current and submitted: v2 with its note; counted: v1.
        await Expect(panel.Locator("[data-role='current'] .number")).ToHaveTextAsync("v2 · 待审核");
        await Expect(panel.Locator("[data-role='submitted']")).ToContainTextAsync("说明：更正主动公开数");
        await Expect(panel.Locator("[data-role='counted'] .number")).ToHaveTextAsync("v1 · 已采用");
        await Expect(panel.Locator("#review-accept")).ToBeDisabledAsync();
        Assert.Empty(await ShownDiffRowsAsync(page));
        diffAnswered.SetResult();

        // The diff, indicator by indicator, is the API's; then, and only then, accept is usable.
        await Expect(panel.Locator("#review-accept")).ToBeEnabledAsync();
        Assert.Equal(DiffRows(apiDiff), await ShownDiffRowsAsync(page));
        var changed = panel.Locator("#review-diff tr[data-code='1.1.2']");
        await Expect(changed.Locator("td.label")).ToContainTextAsync("制发规范性文件");
        var delta = 7 - SeedReport.Values.Single(v => v.Key == "1.1.2").Value!.Value;
        await Expect(changed.Locator("td.change")).ToHaveTextAsync((delta > 0 ? "+" : "") + delta.ToString("#,0.####", CultureInfo.InvariantCulture));
        await Expect(panel.Locator("#review-diff-from")).ToHaveTextAsync("已采用 v1");
        // The rule warning of v2: the channels of 1.3 add up to less than 1.1.
        await Expect(panel.Locator("#review-warnings li[data-rule='gte:1.3']")).ToHaveCountAsync(1);
        await Expect(panel.Locator("#review-return")).ToBeDisabledAsync(); // no comment yet
        AssertNoEnglishSentence(await panel.InnerTextAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the page scrolls sideways at 1366×768 with the panel open");
        await ScreenshotAsync(page, "diff");

        await panel.Locator("#review-accept").ClickAsync();
        await Expect(panel.Locator("#review-status")).ToContainTextAsync("已审核通过 v2");
        await Expect(panel.Locator("[data-role='counted'] .number")).ToHaveTextAsync("v2 · 已采用");
        await Expect(panel.Locator("#review-actions")).ToBeHiddenAsync();
        // The completeness list says so at once, without a reload; the API agrees.
        await Expect(rowA).ToContainTextAsync("已采用");
        var historyA = await HistoryAsync(district, district.SubDistrictA);
        Assert.Equal("accepted", Version(historyA, 2).GetProperty("status").GetString());
        Assert.True(Version(historyA, 2).GetProperty("counts").GetBoolean());

        // The history and the audit, one click each.
        await panel.GetByRole(AriaRole.Tab, new() { Name = "版本历史" }).ClickAsync();
        await Expect(panel.Locator("#review-history tbody tr")).ToHaveCountAsync(2);
        await Expect(panel.Locator("#review-history tr[data-version='1']")).ToContainTextAsync("核对无误");
        await panel.GetByRole(AriaRole.Tab, new() { Name = "操作记录" }).ClickAsync();
        // (An entry shows once every older transaction has ended: the first accept is certain to be there.)
        await Expect(panel.Locator("#review-audit tr[data-action='report.reopened']")).ToContainTextAsync("重新开放年度");
        await Expect(panel.Locator("#review-audit tr[data-action='report.version-accepted']").Last).ToContainTextAsync("意见：核对无误");
        await panel.GetByRole(AriaRole.Button, new() { Name = "关闭" }).ClickAsync();
        await Expect(panel).ToBeHiddenAsync();

        // 广安门内街道: its first version, nothing counted; returned with a comment, which return waits for.
        var rowB = await UnitRowAsync(page, district.SubDistrictB);
        await rowB.ClickAsync();
        await Expect(panel.Locator("[data-role='counted']")).ToContainTextAsync("无");
        await Expect(panel.Locator("#review-accept")).ToBeEnabledAsync();
        var apiDiffB = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>(
            $"{TestData.ReportPath(district.Tenant, district.SubDistrictB)}/versions/1/diff");
        Assert.Equal(DiffRows(apiDiffB), await ShownDiffRowsAsync(page));
        await Expect(panel.Locator("#review-return")).ToBeDisabledAsync();
        await panel.Locator("#review-comment").FillAsync("   ");
        await Expect(panel.Locator("#review-return")).ToBeDisabledAsync(); // blanks are no comment
        await panel.Locator("#review-comment").FillAsync(ReturnComment);
        await Expect(panel.Locator("#review-return")).ToBeEnabledAsync();
        await panel.Locator("#review-return").ClickAsync();

        await Expect(panel.Locator("#review-status")).ToContainTextAsync("已退回 v1");
        await Expect(panel.Locator("#review-notice")).ToContainTextAsync(ReturnComment);
        await Expect(panel.Locator("[data-role='current'] .number")).ToHaveTextAsync("v1 · 已退回");
        await Expect(rowB).ToContainTextAsync("已退回");
        var historyB = await HistoryAsync(district, district.SubDistrictB);
        Assert.Equal("returned", Version(historyB, 1).GetProperty("status").GetString());
        Assert.Equal(ReturnComment, Version(historyB, 1).GetProperty("statusComment").GetString());
        AssertNoEnglishSentence(await panel.InnerTextAsync());
        await ScreenshotAsync(page, "returned");

        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_say_in_Chinese_why_an_accept_was_refused_when_the_unit_sent_a_newer_version_meanwhile()
    {
        var district = await DistrictAwaitingReviewAsync();
        var (page, faults) = await OpenAsync();
        await LogInAsync(page, district.Keys["reviewer@root"]);
        await (await UnitRowAsync(page, district.SubDistrictA)).ClickAsync();
        var panel = page.Locator("#review-panel");
        await Expect(panel.Locator("#review-accept")).ToBeEnabledAsync();

        // While the reviewer reads v2, the unit sends v3: accepting v2 is refused (409), and said so in Chinese.
        await (await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA,
            TestData.ReportFor().With("1.1", 99998))).ShouldHaveStatus(HttpStatusCode.Created);
        await panel.Locator("#review-accept").ClickAsync();

        await Expect(panel.Locator("#review-error")).ToBeVisibleAsync();
        await Expect(panel.Locator("#review-error")).ToContainTextAsync("已不是待审核的最新版本");
        // The panel read the report again: v3 is the one awaiting review now.
        await Expect(panel.Locator("[data-role='submitted'] .number")).ToHaveTextAsync("v3 · 待审核");
        AssertNoEnglishSentence(await panel.InnerTextAsync());
        var history = await HistoryAsync(district, district.SubDistrictA);
        Assert.Equal("submitted", Version(history, 2).GetProperty("status").GetString());
        Assert.Equal("submitted", Version(history, 3).GetProperty("status").GetString());
        await ScreenshotAsync(page, "refused");
        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_show_a_viewer_the_same_diff_and_warnings_without_any_review_button()
    {
        var district = await DistrictAwaitingReviewAsync();
        var apiDiff = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>(
            $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions/2/diff?against=1");
        var (page, faults) = await OpenAsync();

        await LogInAsync(page, district.Keys["viewer@root"]);
        await (await UnitRowAsync(page, district.SubDistrictA)).ClickAsync();

        var panel = page.Locator("#review-panel");
        await Expect(panel.Locator("#review-warnings li[data-rule='gte:1.3']")).ToHaveCountAsync(1);
        Assert.Equal(DiffRows(apiDiff), await ShownDiffRowsAsync(page));
        await Expect(panel.Locator("#review-notice")).ToContainTextAsync("待审核");
        await Expect(panel.Locator("#review-actions")).ToBeHiddenAsync();
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "审核通过（采用）" })).ToHaveCountAsync(0);
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "退回修改" })).ToHaveCountAsync(0);
        await Expect(panel.GetByRole(AriaRole.Tab, new() { Name = "操作记录" })).ToHaveCountAsync(0); // the audit is not a viewer's
        await panel.GetByRole(AriaRole.Tab, new() { Name = "版本历史" }).ClickAsync();
        await Expect(panel.Locator("#review-history tbody tr")).ToHaveCountAsync(2);
        await panel.GetByRole(AriaRole.Tab, new() { Name = "审核" }).ClickAsync();
        AssertNoEnglishSentence(await panel.InnerTextAsync());
        await ScreenshotAsync(page, "viewer");

        // A unit that sent nothing: said so, with nothing to compare.
        await panel.GetByRole(AriaRole.Button, new() { Name = "关闭" }).ClickAsync();
        await page.Locator("[data-org-code]", new() { HasText = "白纸坊街道" }).ClickAsync();
        await Expect(panel.Locator("#review-notice")).ToContainTextAsync("尚未报送 2017 年度报告");
        await Expect(panel.Locator("#review-diff tbody tr[data-code]")).ToHaveCountAsync(0);

        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_refuse_a_reporter_in_Chinese_as_the_page_is_for_district_officers_and_leave_no_control_enabled()
    {
        var district = await DistrictAwaitingReviewAsync();
        var (page, faults) = await OpenAsync();

        await LogInAsync(page, district.Keys["reporter@a"]);

        var error = page.Locator("#login-error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync("区政务公开办的查看者、审核者或管理员");
        await Expect(error).ToContainTextAsync("陶然亭街道");
        AssertNoEnglishSentence(await page.Locator("body").InnerTextAsync());
        await Expect(page.Locator("#board")).ToBeHiddenAsync();
        await Expect(page.Locator("#review-panel")).ToBeHiddenAsync();
        // Nothing but the sign-in form itself can be used: no select, button or field of the board or the review panel
        // (signing out, hidden with the header's name, is harmless).
        Assert.Empty(await EnabledControlsAsync(page));
        await Expect(page.Locator("#download")).ToBeDisabledAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('aggregator.dashboard.key')"));
        await ScreenshotAsync(page, "reporter-refused");

        // The same key kept in the tab from before (a reload) is refused the same way.
        await page.EvaluateAsync("key => sessionStorage.setItem('aggregator.dashboard.key', key)", district.Keys["reporter@a"]);
        await page.ReloadAsync();
        await Expect(error).ToContainTextAsync("区政务公开办的查看者、审核者或管理员");
        await Expect(page.Locator("#board")).ToBeHiddenAsync();
        Assert.Empty(await EnabledControlsAsync(page));

        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }
}
