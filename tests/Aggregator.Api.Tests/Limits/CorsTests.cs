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

    private static HttpRequestMessage Preflight(string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/templates");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }
}
