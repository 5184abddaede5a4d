using System.Net;
using System.Net.Http.Json;
using Aggregator.Api.Tests.Dashboard;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aggregator.Api.Tests.Publications;

/// <summary>The public page (/public/) in Chromium: no key, a tenant's published years, the table and the chart of each.</summary>
[Collection(ApiCollection.Name)]
public sealed class PublicPageTests(ApiFixture api, Chromium chromium) : IClassFixture<Chromium>
{
    private readonly TestData _data = new(api);

    public static string ScreenshotPath => Path.Combine(AppContext.BaseDirectory, "artifacts", "public-1366x768.png");

    [Fact]
    public async Task Should_list_the_published_years_and_show_the_table_and_chart_of_each_without_a_key()
    {
        // 2016 and 2017 published (2017 corrected once: edition 2); 2015 reported but never published.
        var district = await _data.DistrictAsync();
        var tenantId = await _data.TenantIdAsync(district.Tenant);
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        foreach (var year in new[] { 2015, 2016, SeedReport.Year })
        {
            await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 800 + year - 2015), year))
                .ShouldHaveStatus(HttpStatusCode.Created);
            await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictB, TestData.ReportFor().With("1.1", 900), year))
                .ShouldHaveStatus(HttpStatusCode.Created);
        }
        foreach (var year in new[] { 2016, SeedReport.Year }) await PublishAsync(district, tenantId, year);
        await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 975), SeedReport.Year))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await PublishAsync(district, tenantId, SeedReport.Year);

        var page = await chromium.PageAsync(api.Client().BaseAddress!);
        var faults = new List<string>();
        page.PageError += (_, error) => faults.Add($"script error: {error}");
        page.Console += (_, message) => { if (message.Type == "error") faults.Add($"console: {message.Text}"); };
        var asked = new List<(string Url, bool WithKey)>();
        page.Request += (_, request) =>
        {
            lock (asked) asked.Add((request.Url, request.Headers.ContainsKey("x-api-key")));
        };

        await page.GotoAsync($"/public/?t={district.Tenant}");

        var years = page.Locator("#years button");
        await Expect(years).ToHaveTextAsync(["2017年", "2016年"]);
        await Expect(page.Locator("#edition-title")).ToHaveTextAsync("西城区2017年政府信息公开情况统计（第2版）");
        var row = page.Locator("#figures tbody tr", new() { Has = page.Locator("td:first-child", new() { HasTextString = "1.1" }) }).First;
        await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("1,875");
        await Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("1,701");
        await Expect(row).ToHaveClassAsync("changed");
        await Expect(page.Locator("#changelog li")).ToHaveTextAsync([$"1.1 {Label("1.1")}：1,702 → 1,875"]);
        await Expect(page.Locator("#chart canvas")).ToHaveCountAsync(1);
        // The chart shows one unit's figures at a time: disclosures are counted in 条.
        await page.GetByLabel("图表：计量单位为").SelectOptionAsync(Unit("1.1"));
        await Expect(page.Locator("#chart")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("1875"));
        await Expect(page.Locator("#download-xlsx")).ToHaveAttributeAsync("href", $"/public/v1/{district.Tenant}/{SeedReport.Year}.xlsx");
        await Expect(page.Locator("#download-docx")).ToHaveAttributeAsync("href", $"/public/v1/{district.Tenant}/{SeedReport.Year}.docx");
        await Expect(page.Locator("#editions-line")).ToContainTextAsync("第2版");
        await Expect(page.Locator("#editions-line")).ToContainTextAsync("第1版");

        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath });

        await years.Filter(new() { HasTextString = "2016年" }).ClickAsync();
        await Expect(page.Locator("#edition-title")).ToHaveTextAsync("西城区2016年政府信息公开情况统计（第1版）");
        await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("1,701");
        await Expect(page.Locator("#changelog")).ToBeHiddenAsync();
        Assert.Contains("year=2016", page.Url, StringComparison.Ordinal);

        // A tenant with nothing published: said so, nothing shown.
        await page.GetByLabel("行政区划代码").FillAsync("no-such-tenant");
        await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Expect(page.Locator("#error")).ToHaveTextAsync("“no-such-tenant”尚未公开发布任何数据。");
        await Expect(page.Locator("#published")).ToBeHiddenAsync();

        lock (asked)
        {
            Assert.DoesNotContain(asked, request => request.WithKey);
            Assert.DoesNotContain(asked, request => request.Url.Contains("/api/", StringComparison.Ordinal));
            Assert.Contains(asked, request => request.Url.Contains($"/public/v1/{district.Tenant}/{SeedReport.Year}", StringComparison.Ordinal));
        }
        // The 404 of the unknown tenant is the page's answer, not a fault; nothing else went wrong.
        Assert.DoesNotContain(faults, fault => !fault.Contains("404", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    private async Task PublishAsync(District district, Guid tenantId, int year)
    {
        await new ReportRows(api).WaitForFiguresAsync(tenantId, year);
        var response = await api.Client(district.Keys["tenant-admin@root"]).PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/publications",
            new { year, orgUnit = district.Tenant });
        await response.ShouldHaveStatus(HttpStatusCode.Created);
    }

    private static string Unit(string code) => SeedReport.Catalog.Find(SeedReport.Template)!.FindIndicator(code)!.Unit;

    private static string Label(string code) => SeedReport.Catalog.Find(SeedReport.Template)!.FindIndicator(code)!.Label;
}
