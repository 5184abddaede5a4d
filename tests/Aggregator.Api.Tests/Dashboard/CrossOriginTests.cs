using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Limits;
using Aggregator.Api.Tests.Rollups;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Aggregator.Api.Tests.Dashboard;

/// <summary>
/// A dashboard served from another origin, as a district's own portal would serve it, calls the API with its key
/// from a real browser: allowed (and able to read the ETag and revalidate) from an origin in
/// Aggregator:Cors:Origins, refused by the browser from any other.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CrossOriginTests(ApiFixture api, Chromium chromium) : IClassFixture<Chromium>
{
    private const int Year = 2017;

    /// <summary>What the page's fetch gives back to the test: the status and the headers a script may read, or the browser's refusal.</summary>
    private const string FetchTwice = """
        async ([url, key]) => {
          try {
            const first = await fetch(url, { headers: { "X-Api-Key": key } });
            const etag = first.headers.get("ETag");
            const body = await first.json();
            const again = await fetch(url, { headers: { "X-Api-Key": key, "If-None-Match": etag ?? "" } });
            return { status: first.status, etag, total: body.total, again: again.status };
          } catch (error) {
            return { refused: String(error) };
          }
        }
        """;

    [Fact]
    public async Task Should_let_a_page_of_a_configured_origin_read_figures_with_its_key_and_refuse_any_other_origin()
    {
        var rows = new ReportRows(api);
        var district = await new TestData(api).DistrictAsync();
        var tenantId = await rows.TenantIdAsync(district.Tenant);
        var a = await rows.UnitAsync(tenantId, district.SubDistrictA);
        await rows.StoreAsync(tenantId, a.Id, Year, "bj-gip-2017", new Dictionary<string, decimal?> { ["1.1"] = 975, ["3.1"] = 3 });
        await rows.WaitForFiguresAsync(tenantId, Year);

        await using var portal = await PageHost.StartAsync();
        await using var elsewhere = await PageHost.StartAsync();
        await using var apiHost = LimitsHost.Start(api, new Dictionary<string, string?> { ["Aggregator:Cors:Origins:0"] = portal.Origin });
        var url = $"{apiHost.ClientOptions.BaseAddress.ToString().TrimEnd('/')}/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/table/{Year}?indicators=1.1,3.1";
        var key = district.Keys["viewer@root"];

        var allowed = await FetchFromAsync(portal.Origin, url, key);
        Assert.False(allowed.TryGetProperty("refused", out var why), $"the configured origin was refused: {why}");
        Assert.Equal(200, allowed.GetProperty("status").GetInt32());
        Assert.StartsWith("\"", allowed.GetProperty("etag").GetString());   // exposed to the script
        Assert.Equal("[975,3]", allowed.GetProperty("total").GetRawText());
        Assert.Equal(304, allowed.GetProperty("again").GetInt32());

        var refused = await FetchFromAsync(elsewhere.Origin, url, key);
        Assert.True(refused.TryGetProperty("refused", out _), $"an origin not configured read the figures: {refused}");
    }

    private async Task<JsonElement> FetchFromAsync(string origin, string url, string key)
    {
        var page = await chromium.PageAsync(new Uri(origin));
        try
        {
            await page.GotoAsync("/");
            Assert.Equal(origin, await page.EvaluateAsync<string>("() => location.origin"));
            return await page.EvaluateAsync<JsonElement>(FetchTwice, new[] { url, key });
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>A bare web server on a loopback port of its own: another origin than the API's.</summary>
    private sealed class PageHost(WebApplication app, string origin) : IAsyncDisposable
    {
        public string Origin { get; } = origin;

        public static async Task<PageHost> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapGet("/", () => Results.Content("<!doctype html><title>portal</title><p>portal</p>", "text/html; charset=utf-8"));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new PageHost(app, new Uri(address).GetLeftPart(UriPartial.Authority));
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
