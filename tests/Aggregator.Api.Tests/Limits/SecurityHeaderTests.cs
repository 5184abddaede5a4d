using System.Net;
using System.Net.Http.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;

namespace Aggregator.Api.Tests.Limits;

/// <summary>
/// Every answer says nosniff; API answers are not stored by caches (a new key's secret above all), except the
/// rollup's revalidated ETag; the Swagger UI and the dashboard's pages load scripts from this origin only.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SecurityHeaderTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_send_nosniff_on_every_kind_of_answer()
    {
        var district = await _data.DistrictAsync();
        var viewer = api.Client(district.Keys["viewer@root"]);
        using var failing = new HttpRequestMessage(HttpMethod.Get, "/api/v1/templates");
        failing.Headers.Add(FailureOnRequest.Header, "1");

        using var ok = await viewer.GetAsync($"/api/v1/tenants/{district.Tenant}/org-units");
        using var notFound = await viewer.GetAsync("/api/v1/tenants/no-such-tenant/org-units");
        using var unauthorized = await api.Client().GetAsync("/api/v1/templates");
        using var failed = await api.Admin().SendAsync(failing);
        using var health = await api.Client().GetAsync("/health/live");
        using var document = await api.Client().GetAsync("/swagger/v1/swagger.json");

        foreach (var (answer, status) in new[] { (ok, 200), (notFound, 404), (unauthorized, 401), (failed, 500), (health, 200), (document, 200) })
        {
            Assert.Equal(status, (int)answer.StatusCode);
            Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
        }
    }

    [Fact]
    public async Task Should_forbid_caching_the_answer_that_carries_a_new_key_and_every_other_private_answer()
    {
        var district = await _data.DistrictAsync();
        var admin = api.Client(district.Keys["tenant-admin@root"]);

        using var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/api-keys",
            new { orgUnit = district.SubDistrictA, role = "viewer", name = "dashboard" });
        using var list = await admin.GetAsync($"/api/v1/tenants/{district.Tenant}/api-keys");
        using var problem = await admin.GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/nowhere");

        await created.ShouldHaveStatus(HttpStatusCode.Created);
        foreach (var answer in new[] { created, list, problem })
        {
            Assert.True(answer.Headers.CacheControl?.NoStore, $"{answer.RequestMessage!.RequestUri}: Cache-Control {answer.Headers.CacheControl}");
            Assert.Equal("default-src 'none'; frame-ancestors 'none'", Assert.Single(answer.Headers.GetValues("Content-Security-Policy")));
        }
    }

    [Fact]
    public async Task Should_keep_the_rollups_revalidated_caching_and_its_ETag()
    {
        var district = await _data.DistrictAsync();
        await (await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await new ReportRows(api).WaitForFiguresAsync(await _data.TenantIdAsync(district.Tenant), SeedReport.Year);
        var viewer = api.Client(district.Keys["viewer@root"]);
        var path = $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{SeedReport.Year}";

        using var first = await viewer.GetAsync(path);
        await first.ShouldHaveStatus(HttpStatusCode.OK);
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await viewer.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        foreach (var answer in new[] { first, notModified })
            Assert.Equal("private, max-age=0, must-revalidate", answer.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal(first.Headers.ETag, notModified.Headers.ETag);
    }

    [Fact]
    public async Task Should_let_the_Swagger_UI_and_the_dashboard_run_scripts_from_this_origin_only()
    {
        using var swagger = await api.Client().GetAsync("/swagger/index.html");
        using var dashboard = await api.Client().GetAsync("/dashboard/index.html");

        await swagger.ShouldHaveStatus(HttpStatusCode.OK);
        var ui = Assert.Single(swagger.Headers.GetValues("Content-Security-Policy"));
        var board = Assert.Single(dashboard.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", ui);
        Assert.Contains("script-src 'self';", board);
        Assert.Contains("frame-ancestors 'none'", ui);
        Assert.DoesNotContain("unsafe-inline", board);
        // The UI's page loads its scripts as files: an inline script would be blocked by its own policy.
        var page = await swagger.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", page);
    }
}
