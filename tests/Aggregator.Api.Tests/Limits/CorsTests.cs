using System.Net;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Aggregator.Api.Tests.Limits;

/// <summary>CORS for dashboards from the configured origins only (Aggregator:Cors:Origins); none configured, no CORS at all.</summary>
[Collection(ApiCollection.Name)]
public sealed class CorsTests(ApiFixture api)
{
    private const string Dashboard = "https://dashboard.xicheng.example.gov.cn";

    [Fact]
    public async Task Should_allow_a_preflight_from_a_configured_origin_with_the_headers_a_dashboard_sends()
    {
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?> { ["Aggregator:Cors:Origins:0"] = Dashboard });

        using var preflight = await host.CreateClient().SendAsync(Preflight(Dashboard, "POST", "x-api-key, content-type, idempotency-key, if-match"));

        Assert.True(preflight.IsSuccessStatusCode, $"preflight answered {(int)preflight.StatusCode}");
        Assert.Equal(Dashboard, Assert.Single(preflight.Headers.GetValues("Access-Control-Allow-Origin")));
        var allowed = string.Join(",", preflight.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        foreach (var header in new[] { "x-api-key", "content-type", "idempotency-key", "if-match" }) Assert.Contains(header, allowed);
        Assert.Contains("POST", string.Join(",", preflight.Headers.GetValues("Access-Control-Allow-Methods")));
    }

    [Fact]
    public async Task Should_expose_ETag_Location_and_Retry_After_to_a_configured_origin()
    {
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?> { ["Aggregator:Cors:Origins:0"] = Dashboard });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/templates");
        request.Headers.Add("Origin", Dashboard);
        request.Headers.Add("X-Api-Key", ApiFixture.AdminKey);

        using var answer = await host.CreateClient().SendAsync(request);

        await answer.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(Dashboard, Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));
        var exposed = string.Join(",", answer.Headers.GetValues("Access-Control-Expose-Headers"));
        foreach (var header in new[] { "ETag", "Location", "Retry-After" }) Assert.Contains(header, exposed);
    }

    [Fact]
    public async Task Should_not_allow_another_origin()
    {
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?> { ["Aggregator:Cors:Origins:0"] = Dashboard });

        using var preflight = await host.CreateClient().SendAsync(Preflight("https://evil.example.com", "POST", "x-api-key"));

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Should_send_no_CORS_header_when_no_origin_is_configured()
    {
        using var preflight = await api.Client().SendAsync(Preflight(Dashboard, "GET", "x-api-key"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/templates");
        request.Headers.Add("Origin", Dashboard);
        using var answer = await api.Admin().SendAsync(request);

        Assert.DoesNotContain(preflight.Headers, header => header.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(answer.Headers, header => header.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https://dashboard.example.gov.cn/app")]
    [InlineData("dashboard.example.gov.cn")]
    [InlineData("ftp://dashboard.example.gov.cn")]
    public void Should_refuse_to_start_with_an_origin_that_is_no_origin(string origin)
    {
        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none",
            ["Aggregator:Cors:Origins:0"] = origin,
        });

        var error = Assert.Throws<OptionsValidationException>(factory.StartServer);
        Assert.Contains("Aggregator:Cors:Origins", error.Message);
    }

    [Theory]
    [InlineData(Dashboard)]
    [InlineData("https://evil.example.com")]
    public async Task Should_say_the_answer_varies_by_origin_whether_or_not_the_origin_is_allowed(string origin)
    {
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?> { ["Aggregator:Cors:Origins:0"] = Dashboard });
        var client = host.CreateClient();
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/v1/templates");
        read.Headers.Add("Origin", origin);
        read.Headers.Add("X-Api-Key", ApiFixture.AdminKey);
        using var refused = new HttpRequestMessage(HttpMethod.Get, "/api/v1/templates");
        refused.Headers.Add("Origin", origin);

        using var answer = await client.SendAsync(read);
        using var unauthorized = await client.SendAsync(refused);
        using var preflight = await client.SendAsync(Preflight(origin, "GET", "x-api-key"));

        await answer.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        foreach (var response in new[] { answer, unauthorized, preflight })
            Assert.Equal(["Origin"], response.Headers.Vary.Where(v => v.Equals("Origin", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(origin == Dashboard, answer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Should_add_origin_to_what_an_answer_already_varies_by(int origins)
    {
        // Two origins: ASP.NET's CORS middleware then adds a Vary: Origin of its own, which must not be doubled.
        var settings = new Dictionary<string, string?> { ["Aggregator:Cors:Origins:0"] = Dashboard };
        if (origins == 2) settings["Aggregator:Cors:Origins:1"] = "https://screen.xicheng.example.gov.cn";
        await using var host = LimitsHost.Start(api, settings);
        // The landing page varies by Accept (HTML or JSON), as figure reads do (JSON or CSV).
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Origin", Dashboard);

        using var answer = await host.CreateClient().SendAsync(request);

        await answer.ShouldHaveStatus(HttpStatusCode.OK);
        var vary = answer.Headers.Vary.Select(v => v.ToLowerInvariant()).Order().ToList();
        Assert.Equal(["accept", "origin"], vary);
    }

    [Fact]
    public async Task Should_say_an_answer_varies_by_origin_even_to_a_request_without_one()
    {
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?> { ["Aggregator:Cors:Origins:0"] = Dashboard });

        using var answer = await host.Client(ApiFixture.AdminKey).GetAsync("/api/v1/templates");

        await answer.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Contains("Origin", answer.Headers.Vary);
    }

    [Fact]
    public async Task Should_not_vary_by_origin_when_no_origin_is_configured()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/templates");
        request.Headers.Add("Origin", Dashboard);

        using var answer = await api.Admin().SendAsync(request);

        await answer.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.DoesNotContain("Origin", answer.Headers.Vary);
    }

    private static HttpRequestMessage Preflight(string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/templates");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }
}
