using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>
/// Caps per tenant on API keys (Aggregator:ApiKeys:MaxPerTenant) and org units (Aggregator:OrgUnits:MaxPerTenant):
/// past them a 409 naming the setting, and concurrent creations at the boundary never both pass. On an API of its own,
/// with small caps.
/// </summary>
public sealed class CapsTests : IAsyncLifetime
{
    private const int MaxKeys = 4;
    private const int MaxUnits = 5;

    private readonly ApiFixture _api = ApiFixture.With(new Dictionary<string, string?>
    {
        ["Aggregator:ApiKeys:MaxPerTenant"] = MaxKeys.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Aggregator:OrgUnits:MaxPerTenant"] = MaxUnits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Aggregator:Jobs:RunServer"] = "false",
    });

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Should_refuse_a_key_past_the_tenants_cap_with_409_naming_the_setting_and_count_only_active_keys()
    {
        var data = new TestData(_api);
        var tenant = await data.TenantAsync();
        var keys = $"/api/v1/tenants/{tenant}/api-keys";
        var ids = new List<string>();
        for (var i = 0; i < MaxKeys; i++) ids.Add((await data.KeyAsync(tenant, tenant, "viewer")).Id);

        var over = await _api.Admin().PostAsJsonAsync(keys, new { orgUnit = tenant, role = "viewer", name = "one too many" });

        var problem = await over.ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("/problems/tenant-cap", problem.GetProperty("type").GetString());
        Assert.Equal("Aggregator:ApiKeys:MaxPerTenant", problem.GetProperty("setting").GetString());
        Assert.Equal(MaxKeys, problem.GetProperty("limit").GetInt32());
        Assert.Contains("Aggregator:ApiKeys:MaxPerTenant", problem.GetProperty("detail").GetString());
        // A revoked key frees its place; another tenant has caps of its own.
        await (await _api.Admin().DeleteAsync($"{keys}/{ids[0]}")).ShouldHaveStatus(HttpStatusCode.NoContent);
        await (await _api.Admin().PostAsJsonAsync(keys, new { orgUnit = tenant, role = "viewer", name = "in its place" })).ShouldHaveStatus(HttpStatusCode.Created);
        var other = await data.TenantAsync();
        await data.KeyAsync(other, other, "viewer");
    }

    [Fact]
    public async Task Should_let_only_one_of_many_concurrent_keys_take_the_last_place()
    {
        var data = new TestData(_api);
        var tenant = await data.TenantAsync();
        for (var i = 0; i < MaxKeys - 1; i++) await data.KeyAsync(tenant, tenant, "viewer");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            _api.Admin().PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-keys", new { orgUnit = tenant, role = "viewer", name = $"racer {i}" })));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        var listed = await _api.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}/api-keys");
        Assert.Equal(MaxKeys, listed.GetProperty("items").EnumerateArray().Count(k => k.GetProperty("revokedAt").ValueKind == JsonValueKind.Null));
    }

    [Fact]
    public async Task Should_refuse_an_org_unit_past_the_tenants_cap_even_when_many_race_for_the_last_place()
    {
        var data = new TestData(_api);
        var tenant = await data.TenantAsync();
        // The root is one unit: MaxUnits - 2 more leave one place.
        for (var i = 0; i < MaxUnits - 2; i++) await data.OrgUnitAsync(tenant);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _api.Admin().PostAsJsonAsync($"/api/v1/tenants/{tenant}/org-units",
            new { code = TestData.UniqueCode("u"), name = $"街道{i}", kind = "sub-district" })));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        var refused = answers.First(a => a.StatusCode != HttpStatusCode.Created);
        var problem = await refused.ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("/problems/tenant-cap", problem.GetProperty("type").GetString());
        Assert.Equal("Aggregator:OrgUnits:MaxPerTenant", problem.GetProperty("setting").GetString());
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var units = await _api.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}/org-units");
        Assert.Equal(MaxUnits, units.GetProperty("items").GetArrayLength());
    }
}
