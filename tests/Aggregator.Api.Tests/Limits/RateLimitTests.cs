using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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

    /// <summary>
    /// The incident of issue 17: a sub-district's tenant-admin mints viewer keys and floods with them. Each key is far
    /// within its own limit, but together they spend their unit's bucket and are refused; the district root's viewer
    /// and tenant-admin (list the keys, revoke one, read the rollup) and a sibling sub-district's key go on.
    /// </summary>
    [Fact]
    public async Task Should_refuse_a_sub_districts_flood_of_new_keys_while_the_root_and_a_sibling_unit_keep_their_own_permits()
    {
        // Three a minute: one permit back every 20 s, far longer than the test takes to send its requests.
        const int unitPermits = 3;
        var district = await _data.DistrictAsync();
        await (await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await new Rollups.ReportRows(api).WaitForFiguresAsync(await _data.TenantIdAsync(district.Tenant), SeedReport.Year);
        var flooders = new List<(string Id, string Key)>();
        for (var i = 0; i < 14; i++) flooders.Add(await _data.KeyAsync(district.Tenant, district.SubDistrictA, "viewer"));
        var sibling = (await _data.KeyAsync(district.Tenant, district.SubDistrictB, "viewer")).Key;
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?>
        {
            ["Aggregator:RateLimit:PermitsPerMinute"] = "100",
            ["Aggregator:RateLimit:UnitPermitsPerMinute"] = $"{unitPermits}",
        });
        var units = $"/api/v1/tenants/{district.Tenant}/org-units";

        // 14 keys, one request each: the unit's three permits go to the first three, whichever keys they are.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        foreach (var (_, key) in flooders)
        {
            var response = await host.Client(key).GetAsync(units);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused ??= response;
        }
        var rootAdmin = host.Client(district.Keys["tenant-admin@root"]);
        using var keys = await rootAdmin.GetAsync($"/api/v1/tenants/{district.Tenant}/api-keys");
        using var revoked = await rootAdmin.DeleteAsync($"/api/v1/tenants/{district.Tenant}/api-keys/{flooders[0].Id}");
        using var rollup = await host.Client(district.Keys["viewer@root"])
            .GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{SeedReport.Year}");
        using var siblingRead = await host.Client(sibling).GetAsync(units);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, unitPermits).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 14 - unitPermits)), statuses);
        Assert.NotNull(refused);
        var problem = await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("/problems/rate-limited", problem.GetProperty("type").GetString());
        Assert.Contains("所属单位", problem.GetProperty("detail").GetString());
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await keys.ShouldHaveStatus(HttpStatusCode.OK);
        var listed = (await keys.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()
            .Select(key => key.GetProperty("id").GetString()).ToList();
        Assert.Contains(flooders[0].Id, listed);
        Assert.True(revoked.IsSuccessStatusCode, $"revoking a flooding key: {(int)revoked.StatusCode}");
        await rollup.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(SeedReport.Values.Single(v => v.Key == "1.1").Value,
            (await rollup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("values").GetProperty("1.1").GetProperty("value").GetDecimal());
        await siblingRead.ShouldHaveStatus(HttpStatusCode.OK);
        output.WriteLine($"requests limited: {14 - unitPermits} of 14 from the flooding unit; 0 of 4 elsewhere");
    }

    [Fact]
    public async Task Should_give_each_key_of_a_unit_its_own_limit_inside_the_units_bucket()
    {
        var district = await _data.DistrictAsync();
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?>
        {
            ["Aggregator:RateLimit:PermitsPerMinute"] = $"{Permits}",
            ["Aggregator:RateLimit:UnitPermitsPerMinute"] = "100",
        });
        var path = $"/api/v1/tenants/{district.Tenant}/org-units";
        var viewer = host.Client(district.Keys["viewer@a"]);

        for (var i = 0; i < Permits; i++) await (await viewer.GetAsync(path)).ShouldHaveStatus(HttpStatusCode.OK);
        using var refused = await viewer.GetAsync(path);
        using var sameUnit = await host.Client(district.Keys["reviewer@a"]).GetAsync(path);

        await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        await sameUnit.ShouldHaveStatus(HttpStatusCode.OK);
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
        Assert.Contains("导入和重新计算另有更严格的限额", problem.GetProperty("detail").GetString());
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
    [InlineData("Aggregator:RateLimit:UnitPermitsPerMinute", "-1")]
    [InlineData("Aggregator:RateLimit:PublicPermitsPerMinute", "-1")]
    [InlineData("Aggregator:RateLimit:ExpensiveConcurrency", "-1")]
    [InlineData("Aggregator:RateLimit:ExpensiveConcurrency", "1001")]
    [InlineData("Aggregator:RateLimit:TenantPermitsPerMinute", "6000")]
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
