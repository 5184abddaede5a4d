using System.Net;
using System.Text.RegularExpressions;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aggregator.Api.Tests.Dashboard;

/// <summary>The dashboard's quality panel reads the paged quality answer page after page (following next), in Chromium.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class DashboardQualityTests(ApiFixture api, Chromium chromium) : IClassFixture<Chromium>
{
    private readonly TestData _data = new(api);

    /// <summary>
    /// 陶然亭街道's 1.1.2 and 9.3 and 广安门内街道's 1.1.2 went up tenfold since 2016: three swings. The page asks for
    /// 500 flags a page; the test makes that one (rewriting the request in the browser), so three pages it must follow.
    /// </summary>
    [Fact]
    public async Task Should_show_every_quality_flag_when_they_come_one_page_at_a_time()
    {
        var district = await _data.DistrictAsync();
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        foreach (var (year, factor) in new[] { (2016, 1), (SeedReport.Year, 10) })
        {
            await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictA,
                TestData.ReportFor().With("1.1.2", 7 * factor).With("9.3", 10 * factor), year)).ShouldHaveStatus(HttpStatusCode.Created);
            await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictB,
                TestData.ReportFor().With("1.1.2", 7 * factor), year)).ShouldHaveStatus(HttpStatusCode.Created);
        }
        var page = await chromium.PageAsync(api.Client().BaseAddress!);
        var faults = new List<string>();
        page.PageError += (_, error) => faults.Add($"script error: {error}");
        var asked = new List<string>();
        await page.RouteAsync(QualityRequest(), async route =>
        {
            var url = route.Request.Url.Replace("limit=500", "limit=1", StringComparison.Ordinal);
            lock (asked) asked.Add(url);
            await route.ContinueAsync(new RouteContinueOptions { Url = url });
        });

        await page.GotoAsync("/dashboard");
        await page.GetByLabel("API 密钥").FillAsync(district.Keys["viewer@root"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();

        var flags = page.Locator("#quality-table tbody tr");
        await Expect(flags).ToHaveCountAsync(3);
        await Expect(page.Locator("#quality-table tr.flag-swing", new() { HasText = "陶然亭街道" })).ToHaveCountAsync(2);
        await Expect(page.Locator("#quality-table tr.flag-swing", new() { HasText = "广安门内街道" })).ToHaveCountAsync(1);
        var indicators = await flags.EvaluateAllAsync<string[]>("rows => rows.map(r => r.cells[2].textContent)");
        Assert.Equal(3, indicators.Length);
        Assert.Equal(2, indicators.Count(code => code == "1.1.2"));
        lock (asked)
        {
            // One page, then two more with next (the page asks again only when the unit or year changes).
            Assert.True(asked.Count >= 3, $"{asked.Count} quality request(s)");
            Assert.DoesNotContain("next=", asked[0], StringComparison.Ordinal);
            Assert.Equal(2, asked.Take(3).Count(url => url.Contains("next=", StringComparison.Ordinal)));
        }
        Assert.Empty(faults);
        await page.Context.CloseAsync();
    }

    [GeneratedRegex("/quality/[0-9]+\\?")]
    private static partial Regex QualityRequest();
}
