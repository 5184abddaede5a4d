using System.Net;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Aggregator.Api.Tests.Limits;

/// <summary>
/// Per-key rate limits (Aggregator:RateLimit): a key's requests beyond its permits are 429 problems with
/// Retry-After, other keys go on, imports and recomputes have a stricter bucket, health probes never wait,
/// and 0 turns the limits off. Each test prints how many of its requests were limited.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RateLimitTests(ApiFixture api, ITestOutputHelper output)
{
    // Two a minute: one token back every 30 s, far longer than these tests take to send their requests.
    private const int Permits = 2;
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_refuse_the_request_after_a_keys_permits_with_429_and_Retry_After_and_let_another_key_go_on()
    {
        var district = await _data.DistrictAsync();
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?> { ["Aggregator:RateLimit:PermitsPerMinute"] = $"{Permits}" });
        var busy = host.Client(district.Keys["viewer@root"]);
        var path = $"/api/v1/tenants/{district.Tenant}/org-units";

        for (var i = 0; i < Permits; i++) await (await busy.GetAsync(path)).ShouldHaveStatus(HttpStatusCode.OK);
        using var refused = await busy.GetAsync(path);
        var problem = await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        using var other = await host.Client(district.Keys["reporter@root"]).GetAsync(path);

        Assert.Equal("/problems/rate-limited", problem.GetProperty("type").GetString());
        var retryAfter = Assert.Single(refused.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal("no-store", refused.Headers.CacheControl?.ToString());
        await other.ShouldHaveStatus(HttpStatusCode.OK);
        output.WriteLine("requests limited: 1");
    }

    [Fact]
    public async Task Should_limit_all_keys_of_a_tenant_together_so_that_new_keys_bring_no_new_share()
    {
        var district = await _data.DistrictAsync();
        var other = await _data.DistrictAsync();
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?>
        {
            ["Aggregator:RateLimit:PermitsPerMinute"] = "100",
            ["Aggregator:RateLimit:TenantPermitsPerMinute"] = $"{Permits}",
        });
        var path = $"/api/v1/tenants/{district.Tenant}/org-units";

        // Two keys of the tenant share its two permits: the third request is refused, whichever key sends it.
        await (await host.Client(district.Keys["viewer@root"]).GetAsync(path)).ShouldHaveStatus(HttpStatusCode.OK);
        await (await host.Client(district.Keys["reviewer@root"]).GetAsync(path)).ShouldHaveStatus(HttpStatusCode.OK);
        using var refused = await host.Client(district.Keys["reporter@root"]).GetAsync(path);
        using var elsewhere = await host.Client(other.Keys["viewer@root"]).GetAsync($"/api/v1/tenants/{other.Tenant}/org-units");

        await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);
        await elsewhere.ShouldHaveStatus(HttpStatusCode.OK);
        output.WriteLine("requests limited: 1");
    }

    [Fact]
    public async Task Should_count_requests_without_a_valid_key_by_address()
    {
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?> { ["Aggregator:RateLimit:PermitsPerMinute"] = $"{Permits}" });
        var guesser = host.Client("agg_guessed-key-000000000000000000000000000000000000000");

        for (var i = 0; i < Permits; i++) await (await guesser.GetAsync("/api/v1/templates")).ShouldBeProblem(HttpStatusCode.Unauthorized);
        using var refused = await guesser.GetAsync("/api/v1/templates");
        using var admin = await host.Client(ApiFixture.AdminKey).GetAsync("/api/v1/templates");

        await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter is not null);
        await admin.ShouldHaveStatus(HttpStatusCode.OK);
        output.WriteLine("requests limited: 1");
    }

    [Fact]
    public async Task Should_limit_recomputes_in_a_stricter_bucket_while_the_key_may_still_read()
    {
        var district = await _data.DistrictAsync();
        await (await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?>
        {
            ["Aggregator:RateLimit:PermitsPerMinute"] = "100",
            ["Aggregator:RateLimit:StrictPermitsPerMinute"] = "1",
        });
        var reviewer = host.Client(district.Keys["reviewer@root"]);
        var recompute = $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{SeedReport.Year}/recompute";

        await (await reviewer.PostAsync(recompute, null)).ShouldHaveStatus(HttpStatusCode.Accepted);
        using var refused = await reviewer.PostAsync(recompute, null);
        using var read = await reviewer.GetAsync($"/api/v1/tenants/{district.Tenant}/org-units");

        var problem = await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        Assert.Contains("imports and recomputes", problem.GetProperty("detail").GetString());
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await read.ShouldHaveStatus(HttpStatusCode.OK);
        output.WriteLine("requests limited: 1");
    }

    [Fact]
    public async Task Should_never_limit_health_probes()
    {
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?> { ["Aggregator:RateLimit:PermitsPerMinute"] = "1" });
        var probe = host.Client(apiKey: null);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var live = await probe.GetAsync("/health/live");
            statuses.Add(live.StatusCode);
        }
        using var metrics = await probe.GetAsync("/metrics");

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        output.WriteLine("requests limited: 0");
    }

    [Fact]
    public async Task Should_limit_nothing_when_the_permits_are_0()
    {
        // The fixture's own host runs with PermitsPerMinute = 0.
        var district = await _data.DistrictAsync();
        var viewer = api.Client(district.Keys["viewer@root"]);

        var limited = 0;
        for (var i = 0; i < 50; i++)
        {
            using var response = await viewer.GetAsync($"/api/v1/tenants/{district.Tenant}/org-units");
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited++;
            else await response.ShouldHaveStatus(HttpStatusCode.OK);
        }

        Assert.Equal(0, limited);
        output.WriteLine("requests limited: 0 of 50");
    }

    [Theory]
    [InlineData("Aggregator:RateLimit:PermitsPerMinute", "-1")]
    [InlineData("Aggregator:RateLimit:StrictPermitsPerMinute", "-5")]
    [InlineData("Aggregator:RateLimit:PermitsPerMinute", "1000001")]
    public void Should_refuse_to_start_with_a_rate_that_is_no_rate(string setting, string value)
    {
        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none",
            [setting] = value,
        });

        var error = Assert.Throws<OptionsValidationException>(factory.StartServer);
        Assert.Contains(setting, error.Message);
    }
}
