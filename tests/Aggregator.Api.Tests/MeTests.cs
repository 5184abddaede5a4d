using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>GET /api/v1/me: a key learns who it is — its tenant, unit, role, name and id.</summary>
[Collection(ApiCollection.Name)]
public sealed class MeTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_tell_a_key_its_tenant_unit_role_name_and_id()
    {
        var tenant = await _data.TenantAsync("西城区");
        var unit = await _data.OrgUnitAsync(tenant, name: "陶然亭街道");
        var (id, key) = await _data.KeyAsync(tenant, unit, "reporter");

        var response = await api.Client(key).GetAsync("/api/v1/me");

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var me = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, me.GetProperty("keyId").GetString());
        Assert.Equal($"reporter of {unit}", me.GetProperty("keyName").GetString());
        Assert.Equal("reporter", me.GetProperty("role").GetString());
        Assert.Equal((tenant, "西城区"), (me.GetProperty("tenant").GetProperty("code").GetString(), me.GetProperty("tenant").GetProperty("name").GetString()));
        Assert.Equal((unit, "陶然亭街道"), (me.GetProperty("orgUnit").GetProperty("code").GetString(), me.GetProperty("orgUnit").GetProperty("name").GetString()));
        Assert.DoesNotContain(key, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_tell_the_platform_admin_it_has_no_tenant()
    {
        var me = await api.Admin().GetFromJsonAsync<JsonElement>("/api/v1/me");

        Assert.Equal(("admin", "admin"), (me.GetProperty("keyId").GetString(), me.GetProperty("role").GetString()));
        Assert.Equal(JsonValueKind.Null, me.GetProperty("tenant").ValueKind);
        Assert.Equal(JsonValueKind.Null, me.GetProperty("orgUnit").ValueKind);
    }

    [Fact]
    public async Task Should_answer_401_without_a_valid_key()
    {
        var district = await _data.DistrictAsync();
        var (revokedId, revoked) = await _data.KeyAsync(district.Tenant, district.SubDistrictA, "viewer");
        await (await api.Client(district.Keys["tenant-admin@root"]).DeleteAsync($"/api/v1/tenants/{district.Tenant}/api-keys/{revokedId}"))
            .ShouldHaveStatus(HttpStatusCode.NoContent);

        foreach (var key in new[] { null, "agg_unknown-key-000000000000000000000000000000000000", revoked })
            await (await api.Client(key).GetAsync("/api/v1/me")).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }
}
