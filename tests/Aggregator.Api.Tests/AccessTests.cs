using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>Every endpoint, asked by keys that should not get in: the right status, as problem details.</summary>
[Collection(ApiCollection.Name)]
public sealed class AccessTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    /// <summary>The tenant-scoped endpoints of the foundation, each as a request against a district.</summary>
    public static TheoryData<string> TenantEndpoints => new()
    {
        "GET /tenants/{t}",
        "GET /tenants/{t}/org-units",
        "GET /tenants/{t}/org-units/{a}",
        "POST /tenants/{t}/org-units",
        "GET /tenants/{t}/api-keys",
        "POST /tenants/{t}/api-keys",
        "DELETE /tenants/{t}/api-keys/{key}",
    };

    public static TheoryData<string> AdminEndpoints => new() { "GET /tenants", "POST /tenants" };

    public static TheoryData<string> AllEndpoints
    {
        get
        {
            var all = new TheoryData<string>();
            foreach (var e in TenantEndpoints) all.Add(e);
            foreach (var e in AdminEndpoints) all.Add(e);
            return all;
        }
    }

    [Theory]
    [MemberData(nameof(TenantEndpoints))]
    public async Task Should_answer_404_to_every_role_of_another_tenant(string endpoint)
    {
        var district = await _data.DistrictAsync();
        var other = await _data.DistrictAsync();

        foreach (var key in other.Keys.Values)
        {
            var response = await SendAsync(endpoint, district, key);
            await response.ShouldBeProblem(HttpStatusCode.NotFound);
        }
    }

    [Theory]
    [MemberData(nameof(AllEndpoints))]
    public async Task Should_answer_401_without_a_key_with_an_unknown_key_and_with_a_revoked_key(string endpoint)
    {
        var district = await _data.DistrictAsync();
        var (revokedId, revokedKey) = await _data.KeyAsync(district.Tenant, district.Tenant, "tenant-admin");
        (await api.Admin().DeleteAsync($"/api/v1/tenants/{district.Tenant}/api-keys/{revokedId}")).EnsureSuccessStatusCode();

        foreach (var key in new[] { null, "agg_unknown-key-000000000000000000000000000000000000", revokedKey })
        {
            var response = await SendAsync(endpoint, district, key);
            await response.ShouldBeProblem(HttpStatusCode.Unauthorized);
        }
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task Should_answer_403_to_tenant_keys_on_the_platform_admins_endpoints(string endpoint)
    {
        var district = await _data.DistrictAsync();

        foreach (var key in district.Keys.Values)
        {
            var response = await SendAsync(endpoint, district, key);
            await response.ShouldBeProblem(HttpStatusCode.Forbidden);
        }
    }

    [Theory]
    [InlineData("POST /tenants/{t}/org-units")]
    [InlineData("GET /tenants/{t}/api-keys")]
    [InlineData("POST /tenants/{t}/api-keys")]
    [InlineData("DELETE /tenants/{t}/api-keys/{key}")]
    public async Task Should_answer_403_to_roles_of_the_tenant_that_may_not_manage_it(string endpoint)
    {
        var district = await _data.DistrictAsync();

        foreach (var role in new[] { "reporter", "reviewer", "viewer" })
        {
            var response = await SendAsync(endpoint, district, district.Keys[$"{role}@root"]);
            await response.ShouldBeProblem(HttpStatusCode.Forbidden);
        }
    }

    [Theory]
    [MemberData(nameof(AllEndpoints))]
    public async Task Should_let_the_platform_admin_do_everything(string endpoint)
    {
        var district = await _data.DistrictAsync();

        var response = await SendAsync(endpoint, district, ApiFixture.AdminKey);

        Assert.True(response.IsSuccessStatusCode, $"{endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [MemberData(nameof(TenantEndpoints))]
    public async Task Should_let_the_tenant_admin_of_the_root_do_everything_in_its_tenant(string endpoint)
    {
        var district = await _data.DistrictAsync();

        var response = await SendAsync(endpoint, district, district.Keys["tenant-admin@root"]);

        Assert.True(response.IsSuccessStatusCode, $"{endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("reviewer")]
    [InlineData("reporter")]
    [InlineData("tenant-admin")]
    public async Task Should_hide_a_sibling_sub_district_from_a_key_of_another_sub_district(string role)
    {
        var district = await _data.DistrictAsync();
        var client = api.Client(district.Keys[$"{role}@a"]);

        var sibling = await client.GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.SubDistrictB}");
        var list = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/org-units");

        await sibling.ShouldBeProblem(HttpStatusCode.NotFound);
        var codes = list.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("code").GetString()).ToList();
        Assert.Equal([district.SubDistrictA], codes);
    }

    [Fact]
    public async Task Should_not_let_a_sub_districts_tenant_admin_give_keys_for_units_outside_its_scope()
    {
        var district = await _data.DistrictAsync();
        var client = api.Client(district.Keys["tenant-admin@a"]);
        var belowA = await _data.OrgUnitAsync(district.Tenant, district.SubDistrictA, "陶然亭社区", "office");

        var outside = await client.PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/api-keys",
            new { orgUnit = district.SubDistrictB, role = "reporter", name = "x" });
        var inside = await client.PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/api-keys",
            new { orgUnit = belowA, role = "reporter", name = "x" });

        await outside.ShouldBeProblem(HttpStatusCode.BadRequest);
        await inside.ShouldHaveStatus(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Should_let_a_tenant_admin_manage_tenant_admin_keys_only_strictly_below_its_unit()
    {
        var district = await _data.DistrictAsync();
        var root = api.Client(district.Keys["tenant-admin@root"]);
        var keys = $"/api/v1/tenants/{district.Tenant}/api-keys";

        // No peer: a tenant-admin at the root may neither create another tenant-admin at the root nor revoke one
        // (a peer it created could otherwise revoke the key that created it).
        var peer = await root.PostAsJsonAsync(keys, new { orgUnit = district.Tenant, role = "tenant-admin", name = "peer" });
        var (peerId, _) = await _data.KeyAsync(district.Tenant, district.Tenant, "tenant-admin");
        var below = await root.PostAsJsonAsync(keys, new { orgUnit = district.SubDistrictA, role = "tenant-admin", name = "below" });

        await peer.ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await root.DeleteAsync($"{keys}/{peerId}")).ShouldBeProblem(HttpStatusCode.Forbidden);
        await below.ShouldHaveStatus(HttpStatusCode.Created);
        // … while keys of other roles at its own unit, and tenant-admins below it, are its to manage.
        var (viewerId, _) = await _data.KeyAsync(district.Tenant, district.Tenant, "viewer");
        await (await root.DeleteAsync($"{keys}/{viewerId}")).ShouldHaveStatus(HttpStatusCode.NoContent);
        var belowId = (await below.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await (await root.DeleteAsync($"{keys}/{belowId}")).ShouldHaveStatus(HttpStatusCode.NoContent);
        // A sub-district's tenant-admin may not revoke its own peer either.
        var (peerOfAId, _) = await _data.KeyAsync(district.Tenant, district.SubDistrictA, "tenant-admin");
        await (await api.Client(district.Keys["tenant-admin@a"]).DeleteAsync($"{keys}/{peerOfAId}")).ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Should_tell_a_reporter_of_another_unit_nothing_about_a_report_it_may_not_post_even_a_broken_one()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);

        var broken = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictB, TestData.ReportFor().With("3.1", 99));
        using var form = new MultipartFormDataContent { { new StringContent("not a report"), "file", "report.txt" } };
        var import = await reporter.PostAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictB)}/import?dryRun=true", form);

        await broken.ShouldBeProblem(HttpStatusCode.NotFound);
        await import.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_let_a_reviewer_of_the_district_see_every_unit()
    {
        var district = await _data.DistrictAsync();

        var list = await api.Client(district.Keys["reviewer@root"])
            .GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/org-units");

        var codes = list.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("code").GetString()).ToHashSet();
        Assert.Equal([district.Tenant, district.SubDistrictA, district.SubDistrictB], codes);
    }

    private async Task<HttpResponseMessage> SendAsync(string endpoint, District district, string? key)
    {
        var client = api.Client(key);
        var (method, template) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
        var path = "/api/v1" + template.Replace("{t}", district.Tenant).Replace("{a}", district.SubDistrictA);
        if (path.Contains("{key}"))
        {
            var (id, _) = await _data.KeyAsync(district.Tenant, district.SubDistrictA, "viewer");
            path = path.Replace("{key}", id);
        }
        object? body = (method, template) switch
        {
            ("POST", "/tenants") => new { code = TestData.UniqueCode("t"), name = "东城区", kind = "district" },
            ("POST", "/tenants/{t}/org-units") => new { code = TestData.UniqueCode("u"), name = "新街道", kind = "sub-district", parent = district.SubDistrictA },
            ("POST", "/tenants/{t}/api-keys") => new { orgUnit = district.SubDistrictA, role = "viewer", name = "dashboard" },
            _ => null,
        };
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await client.SendAsync(request);
    }
}
