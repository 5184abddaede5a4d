using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Upstream;

/// <summary>
/// A link can make the server call an address a tenant-admin types: only the deployments the operator lists in
/// Aggregator:Upstream:AllowedUrls are called, never by a redirect elsewhere, and a failure to reach one answers one
/// fixed sentence, so that no answer tells which ports of the internal network are open.
/// </summary>
public sealed partial class UpstreamTests
{
    private const string AllowedUrlsSetting = "Aggregator:Upstream:AllowedUrls";

    /// <summary>Words of the socket, the resolver or .NET that an answer would carry if it echoed the failure.</summary>
    private static readonly string[] NetworkWords =
        ["refused", "Connection", "connection", "Socket", "socket", "actively", "timed out", "Name or service", "No such", "HttpRequestException", "errno", "目标计算机"];

    /// <summary>Nothing of the problem but its type (upstream-refused) says what the network did.</summary>
    private static void ShouldNotDescribeTheNetwork(JsonElement problem)
    {
        var text = problem.ToString().Replace(problem.GetProperty("type").GetString()!, "", StringComparison.Ordinal);
        Assert.All(NetworkWords, word => Assert.DoesNotContain(word, text));
    }

    [Fact]
    public async Task Should_link_only_to_an_upstream_the_operator_allows_and_never_describe_the_network()
    {
        var levels = await LevelsAsync();
        var district = levels.District;
        // No Accept-Language: the Chinese texts a district's officer reads.
        var admin = CityClient(district.Keys["tenant-admin@root"], language: null);
        var redirectorUnderAnotherName = $"http://127.0.0.1:{host.Redirector.Port}";
        var asked = host.Redirector.Requests.Count;
        var refusals = new (string Url, string Reason)[]
        {
            ("http://10.0.0.1:6379", "url-not-allowed"),                     // a host nobody allowed
            ("http://127.0.0.1:5432", "url-not-allowed"),                    // an allowed host, another port
            (redirectorUnderAnotherName, "url-not-allowed"),                 // a listening socket, under a name nobody allowed
            ($"https://{UpstreamHost.HttpsOnlyHost}.evil.example", "url-not-allowed"),
            ($"http://{UpstreamHost.HttpsOnlyHost}", "https-required"),      // allowed over https only
            ($"http://{UpstreamHost.HttpsOnlyHost}/api", "https-required"),
            (UpstreamHost.ClosedPort, "unreachable"),                        // allowed, and nothing listens there
        };
        foreach (var (url, reason) in refusals)
        {
            var response = await admin.PutAsJsonAsync(UpstreamPath(district), new { url, tenant = levels.City, orgUnit = levels.DistrictUnit, key = levels.UpstreamKey });
            var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
            Assert.Equal("/problems/upstream-refused", problem.GetProperty("type").GetString());
            Assert.Equal(reason, problem.GetProperty("reason").GetString());
            var detail = problem.GetProperty("detail").GetString()!;
            Assert.Contains(url, detail);
            if (reason == "unreachable") Assert.Equal($"无法连接上级 {url}（连接失败或超时）：未保存任何内容。请核对地址，或稍后再试。", detail);
            else Assert.Contains(AllowedUrlsSetting, detail);
            if (reason == "https-required") Assert.Contains("https", detail);
            ShouldNotDescribeTheNetwork(problem);
        }
        // The socket that listens under another name was never called.
        Assert.Equal(asked, host.Redirector.Requests.Count);

        // User info in the url: refused as a shape, before any call.
        foreach (var url in new[] { "http://user:pw@127.0.0.1:9", $"http://city@{UpstreamHost.HttpsOnlyHost}", "https://a:b@upstream.example.test/" })
        {
            var problem = await (await admin.PutAsJsonAsync(UpstreamPath(district), new { url, tenant = levels.City, orgUnit = levels.DistrictUnit, key = levels.UpstreamKey }))
                .ShouldBeProblem(HttpStatusCode.BadRequest);
            Assert.Contains("url", problem.ToString());
            ShouldNotDescribeTheNetwork(problem);
        }

        // In English too, naming the setting; and nothing was stored.
        var english = await (await Client(district, "tenant-admin@root").PutAsJsonAsync(UpstreamPath(district),
            new { url = "http://10.0.0.1:6379", tenant = levels.City, orgUnit = levels.DistrictUnit, key = levels.UpstreamKey })).ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(AllowedUrlsSetting, english.GetProperty("detail").GetString());
        Assert.Contains("not on this deployment's list", english.GetProperty("detail").GetString());
        await (await admin.GetAsync(UpstreamPath(district))).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_not_follow_an_allowed_upstream_that_redirects_elsewhere()
    {
        var levels = await LevelsAsync();
        var district = levels.District;
        var before = host.Redirector.Requests.Count;

        var problem = await (await Client(district, "tenant-admin@root").PutAsJsonAsync(UpstreamPath(district),
            new { url = host.Redirector.Address.AbsoluteUri, tenant = levels.City, orgUnit = levels.DistrictUnit, key = "agg_made-up-key-for-the-redirector-000000000" }))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("upstream-error", problem.GetProperty("reason").GetString());
        Assert.Contains("302", problem.GetProperty("detail").GetString());

        // Asked once (a redirect is an answer, not a failure to retry), and the redirect to another host never followed.
        var requests = host.Redirector.Requests.Skip(before).ToList();
        Assert.Equal(["GET /api/v1/me HTTP/1.1"], requests);
        await (await Client(district, "tenant-admin@root").GetAsync(UpstreamPath(district))).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_fail_a_hand_up_to_an_upstream_gone_or_no_longer_allowed_with_a_fixed_sentence()
    {
        var levels = await LevelsAsync();
        var district = levels.District;
        await LinkAsync(levels);
        await PostAsync(district, "reporter@a", district.SubDistrictA, TestData.ReportFor());
        await PostAsync(district, "reporter@a", district.SubDistrictB, TestData.ReportFor(), "tenant-admin@root");
        await WaitForFiguresAsync(district);
        var tenantId = await _data.TenantIdAsync(district.Tenant);

        // The link's deployment moved away (its port now closed), then off the allow-list (as a link made before the
        // operator narrowed the list): each hand-up fails, saying so in a fixed sentence, and nothing is sent elsewhere.
        foreach (var (url, words) in new[]
                 {
                     (UpstreamHost.ClosedPort, "上级 http://127.0.0.1:9/ 无法连接（连接失败或超时）"),
                     ("http://10.0.0.1:6379", AllowedUrlsSetting),
                 })
        {
            await using (var db = await _api.TenantDb.BeginAsync(tenantId, CancellationToken.None))
            {
                await db.ExecuteAsync("UPDATE upstream_links SET url = @url WHERE tenant_id = @tenantId", new { url, tenantId });
                await db.CommitAsync();
            }
            await HandUpAsync(district, new { }, expectedState: "Failed");
            var attempt = (await StatusAsync(district)).GetProperty("lastAttempt");
            Assert.Equal("failed", attempt.GetProperty("state").GetString());
            var error = attempt.GetProperty("error").GetString()!;
            Assert.Contains(words, error);
            Assert.All(NetworkWords, word => Assert.DoesNotContain(word, error));
        }
        var audit = await ReadAsync(await Client(district, "tenant-admin@root").GetAsync($"/api/v1/tenants/{district.Tenant}/audit"), HttpStatusCode.OK);
        Assert.Equal(2, audit.GetProperty("items").EnumerateArray().Count(entry => entry.GetProperty("action").GetString() == "upstream.year-hand-up-failed"));
        Assert.All(NetworkWords, word => Assert.DoesNotContain(word, audit.ToString()));
    }
}
