using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class OrgUnitTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_give_a_new_tenant_the_root_of_its_tree()
    {
        var tenant = await _data.TenantAsync("西城区");

        var root = await api.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}/org-units/{tenant}");

        Assert.Equal("西城区", root.GetProperty("name").GetString());
        Assert.Equal(0, root.GetProperty("depth").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("parent").ValueKind);
    }

    [Fact]
    public async Task Should_build_a_tree_of_any_depth_with_parents_named_by_code()
    {
        var tenant = await _data.TenantAsync();
        var parent = tenant;
        for (var depth = 1; depth <= 5; depth++)
        {
            var code = await _data.OrgUnitAsync(tenant, parent, name: $"层{depth}");
            var unit = await api.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}/org-units/{code}");
            Assert.Equal(depth, unit.GetProperty("depth").GetInt32());
            Assert.Equal(parent, unit.GetProperty("parent").GetString());
            parent = code;
        }
    }

    [Fact]
    public async Task Should_answer_a_create_with_201_and_the_location_of_the_unit()
    {
        var tenant = await _data.TenantAsync();

        var response = await api.Admin().PostAsJsonAsync($"/api/v1/tenants/{tenant}/org-units",
            new { code = "110102003", name = "陶然亭街道", kind = "sub-district", reports = true });

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/tenants/{tenant}/org-units/110102003", response.Headers.Location?.OriginalString);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("reports").GetBoolean());
        Assert.Equal(tenant, body.GetProperty("parent").GetString());
    }

    [Fact]
    public async Task Should_let_the_same_unit_code_exist_in_two_tenants()
    {
        var a = await _data.TenantAsync();
        var b = await _data.TenantAsync();

        foreach (var tenant in new[] { a, b })
        {
            var response = await api.Admin().PostAsJsonAsync($"/api/v1/tenants/{tenant}/org-units",
                new { code = "110102003", name = "陶然亭街道", kind = "sub-district" });
            await response.ShouldHaveStatus(HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task Should_show_a_key_once_and_list_it_without_its_secret()
    {
        var tenant = await _data.TenantAsync();
        var (id, key) = await _data.KeyAsync(tenant, tenant, "viewer");

        var listed = await api.Admin().GetStringAsync($"/api/v1/tenants/{tenant}/api-keys");

        Assert.Contains(id, listed);
        Assert.DoesNotContain(key, listed);
        Assert.StartsWith("agg_", key);
        Assert.True(key.Length >= 40, "256 random bits in base64url");
    }

    [Fact]
    public async Task Should_stop_accepting_a_key_as_soon_as_it_is_revoked()
    {
        var tenant = await _data.TenantAsync();
        var (id, key) = await _data.KeyAsync(tenant, tenant, "viewer");
        var client = api.Client(key);
        await (await client.GetAsync($"/api/v1/tenants/{tenant}/org-units")).ShouldHaveStatus(HttpStatusCode.OK);

        await (await api.Admin().DeleteAsync($"/api/v1/tenants/{tenant}/api-keys/{id}")).ShouldHaveStatus(HttpStatusCode.NoContent);

        await (await client.GetAsync($"/api/v1/tenants/{tenant}/org-units")).ShouldBeProblem(HttpStatusCode.Unauthorized);
        var listed = await api.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}/api-keys");
        var revokedAt = listed.GetProperty("items").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id).GetProperty("revokedAt");
        Assert.NotEqual(JsonValueKind.Null, revokedAt.ValueKind);
    }

    [Fact]
    public async Task Should_record_who_did_what_in_the_audit_log()
    {
        var tenant = await _data.TenantAsync();
        var unit = await _data.OrgUnitAsync(tenant);
        await _data.KeyAsync(tenant, unit, "reporter");

        var tenantId = await _data.TenantIdAsync(tenant);
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var actions = (await Dapper.SqlMapper.QueryAsync<string>(db.Connection,
            db.Command("SELECT action FROM audit_log ORDER BY audit_id"))).ToList();

        Assert.Equal(["tenant.created", "org-unit.created", "api-key.created"], actions);
    }
}
