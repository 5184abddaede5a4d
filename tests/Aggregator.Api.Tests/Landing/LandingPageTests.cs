using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Aggregator.Api.Landing;
using Aggregator.Api.Tests.Dashboard;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Limits;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace Aggregator.Api.Tests.Landing;

/// <summary>
/// <c>GET /</c>, what someone who opens the service's address finds: a page in Chinese linking to the dashboard, the
/// API documentation and the README, under a Content-Security-Policy that allows its own style and nothing else;
/// JSON for a client that asks for it. The screenshot is written to bin/…/artifacts/landing-1366x768.png.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class LandingPageTests(ApiFixture api, Chromium chromium) : IClassFixture<Chromium>
{
    public static string ScreenshotPath => Path.Combine(AppContext.BaseDirectory, "artifacts", "landing-1366x768.png");

    /// <summary>A client that sends no Accept of its own (the fixture's asks for JSON).</summary>
    private HttpClient Client()
    {
        var client = api.Client();
        client.DefaultRequestHeaders.Accept.Clear();
        return client;
    }

    [Fact]
    public async Task Should_answer_the_root_with_a_chinese_page_linking_to_the_dashboard_the_documentation_and_the_readme()
    {
        using var answer = await Client().GetAsync("/");

        await answer.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("text/html", answer.Content.Headers.ContentType?.MediaType);
        var page = await answer.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"zh-CN\">", page);
        Assert.Contains("政府信息公开工作年度报告统计汇总服务", page);
        Assert.Contains("<a href=\"/dashboard/\">区级看板</a>", page);
        Assert.Contains("<a href=\"/swagger\">", page);
        Assert.Contains("<code>README.md</code>", page);
        Assert.DoesNotContain("<script", page);
        Assert.Equal(LandingPage.Policy, Assert.Single(answer.Headers.GetValues("Content-Security-Policy")));
        Assert.StartsWith("default-src 'none'; style-src 'sha256-", LandingPage.Policy);
        Assert.Contains("Accept", answer.Headers.Vary);
    }

    [Fact]
    public async Task Should_answer_json_to_a_client_that_asks_for_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html;q=0.5, application/json");

        using var answer = await Client().SendAsync(request);

        await answer.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        var links = body.GetProperty("links");
        Assert.Equal("/dashboard/", links.GetProperty("dashboard").GetString());
        Assert.Equal("/swagger", links.GetProperty("swagger").GetString());
        Assert.Equal("/swagger/v1/swagger.json", links.GetProperty("openApi").GetString());
        Assert.Equal("README.md", links.GetProperty("readme").GetString());
        Assert.Equal("Aggregator", body.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Should_answer_the_page_to_a_browser_that_accepts_anything()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        using var answer = await Client().SendAsync(request);

        await answer.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("text/html", answer.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Should_link_the_configured_readme_address_escaped()
    {
        const string readme = "https://git.example.gov.cn/xicheng/aggregator/README.md?plain=1&ref=main";
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?> { ["Aggregator:ReadmeUrl"] = readme });

        var page = await host.CreateClient().GetStringAsync("/");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var json = await host.CreateClient().SendAsync(request);

        Assert.Contains("<a href=\"https://git.example.gov.cn/xicheng/aggregator/README.md?plain=1&amp;ref=main\">使用说明 README</a>", page);
        var links = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.GetProperty("links");
        Assert.Equal(readme, links.GetProperty("readme").GetString());
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("README.md")]
    [InlineData("ftp://example.gov.cn/README.md")]
    public void Should_refuse_to_start_with_a_readme_address_that_is_no_web_address(string readme)
    {
        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none",
            ["Aggregator:ReadmeUrl"] = readme,
        });

        var error = Assert.Throws<OptionsValidationException>(factory.StartServer);
        Assert.Contains("Aggregator:ReadmeUrl", error.Message);
    }

    [Fact]
    public async Task Should_show_the_page_in_a_browser_under_its_policy_and_lead_to_the_dashboard()
    {
        var page = await chromium.PageAsync(api.Client().BaseAddress!);
        var faults = new List<string>();
        page.PageError += (_, error) => faults.Add($"script error: {error}");
        page.Console += (_, message) => { if (message.Type == "error") faults.Add(message.Text); };
        // Which resource answered an error: the console only says that one did (a flake of the full suite said no more).
        page.Response += (_, response) => { if (response.Status >= 400) faults.Add($"{response.Status} {response.Request.Method} {response.Url}"); };

        await page.GotoAsync("/");
        // The inline style applies only if the policy's hash is the style's: a refused style leaves the default margin.
        var margin = await page.EvaluateAsync<string>("getComputedStyle(document.body).marginTop");
        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath });
        await page.GetByRole(AriaRole.Link, new() { Name = "区级看板" }).ClickAsync();
        await page.WaitForURLAsync("**/dashboard/");

        Assert.True(faults.Count == 0, string.Join("\n", faults));
        Assert.Equal("48px", margin);
        Assert.True(new FileInfo(ScreenshotPath).Length > 0);
    }
}
