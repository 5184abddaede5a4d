using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Auth;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Upstream;

/// <summary>
/// A district on a deployment of its own (its own process and PostgreSQL) hands its year up to a city on another: the
/// link's url is the city's address, and nothing but the public API connects the two.
/// </summary>
public sealed class TwoDeploymentsTests(UpstreamHost host) : IClassFixture<UpstreamHost>
{
    private const int Year = SeedReport.Year;

    [Fact]
    public async Task Should_hand_a_year_up_from_a_district_process_to_a_city_on_another_deployment()
    {
        // The city: the upstream tests' host.
        var cityData = new TestData(host.Api);
        var city = await cityData.TenantAsync("北京市");
        var cityUnit = await cityData.OrgUnitAsync(city, name: "西城区", kind: "district");
        var (_, upstreamKey) = await cityData.KeyAsync(city, cityUnit, "reporter");
        var cityAddress = host.Api.Client().BaseAddress!;

        // The district: a process of its own over a cluster of its own, running its own jobs.
        await using var cluster = await ScratchCluster.StartAsync("aggregator-district");
        var adminKey = ApiKeySecret.Generate();
        await using var process = AppProcess.Start(AppProcess.ApiAssembly, new Dictionary<string, string>
        {
            ["ConnectionStrings__Aggregator"] = cluster.AppConnectionString,
            ["ConnectionStrings__AggregatorOwner"] = cluster.OwnerConnectionString,
            ["Aggregator__BootstrapAdminKey"] = adminKey,
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            // The operator allows the city's deployment (http: it listens on the loopback) and nothing else.
            ["Aggregator__Upstream__AllowedUrls__0"] = cityAddress.AbsoluteUri,
        });
        var districtAddress = await process.ListeningAsync();
        HttpClient Client(string key) => new() { BaseAddress = districtAddress, DefaultRequestHeaders = { { "X-Api-Key", key } } };
        var admin = Client(adminKey);
        const string district = "110102";
        await (await admin.PostAsJsonAsync("/api/v1/tenants", new { code = district, name = "西城区", kind = "district" })).ShouldHaveStatus(HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync($"/api/v1/tenants/{district}/org-units", new { code = "110102003", name = "陶然亭街道", kind = "sub-district", parent = district }))
            .ShouldHaveStatus(HttpStatusCode.Created);
        async Task<string> KeyAsync(string unit, string role) =>
            (await (await admin.PostAsJsonAsync($"/api/v1/tenants/{district}/api-keys", new { orgUnit = unit, role, name = role }))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var districtAdmin = Client(await KeyAsync(district, "tenant-admin"));
        var reporter = Client(await KeyAsync("110102003", "reporter"));
        var viewer = Client(await KeyAsync(district, "viewer"));

        await (await districtAdmin.PutAsJsonAsync($"/api/v1/tenants/{district}/upstream",
            new { url = cityAddress.AbsoluteUri, tenant = city, orgUnit = cityUnit, key = upstreamKey })).ShouldHaveStatus(HttpStatusCode.OK);
        await (await TestData.PostReportAsync(reporter, district, "110102003", TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(100))
        {
            var rollup = await viewer.GetAsync($"/api/v1/tenants/{district}/org-units/{district}/rollups/{Year}");
            if (rollup.StatusCode == HttpStatusCode.OK && !(await rollup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stale").GetBoolean()) break;
            Assert.True(DateTime.UtcNow < deadline, "the district's rollup was not computed in time");
        }

        var queued = await districtAdmin.PostAsJsonAsync($"/api/v1/tenants/{district}/upstream/{Year}/submissions", new { });
        await queued.ShouldHaveStatus(HttpStatusCode.Accepted);
        var jobId = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString();
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(100))
        {
            var job = await districtAdmin.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{jobId}");
            var state = job.GetProperty("state").GetString();
            if (state == "Succeeded") break;
            Assert.True(state is not ("Failed" or "Deleted") && DateTime.UtcNow < deadline, $"the hand-up job: {job}");
        }

        var handedUp = await host.Api.Client((await cityData.KeyAsync(city, city, "viewer")).Key)
            .GetFromJsonAsync<JsonElement>($"{TestData.ReportPath(city, cityUnit)}/versions/1");
        Assert.Equal(975m, handedUp.GetProperty("values").GetProperty("1.1").GetDecimal());
        Assert.Equal(district, handedUp.GetProperty("source").GetProperty("tenant").GetString());
        var status = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district}/upstream/{Year}");
        Assert.Equal("accepted", status.GetProperty("status").GetString());   // review is off in the city: accepted on receipt
        Assert.Equal(1, status.GetProperty("upstreamVersion").GetInt32());
        Assert.True(status.GetProperty("current").GetBoolean());
    }
}
