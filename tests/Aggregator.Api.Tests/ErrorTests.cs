using System.Net;
using System.Net.Http.Json;
using System.Text;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>Bad requests get a clear answer as problem+json, and lose nothing.</summary>
[Collection(ApiCollection.Name)]
public sealed class ErrorTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_answer_malformed_json_with_400()
    {
        var response = await api.Admin().PostAsync("/api/v1/tenants",
            new StringContent("{\"code\": \"x\", \"name\": ", Encoding.UTF8, "application/json"));

        await response.ShouldBeProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Should_answer_a_body_over_one_mebibyte_with_413()
    {
        var huge = new string('x', 1024 * 1024 + 10);
        var admin = api.Admin();
        admin.DefaultRequestHeaders.ExpectContinue = true; // read the 413 rather than a broken pipe while still sending
        var response = await admin.PostAsync("/api/v1/tenants",
            new StringContent($"{{\"code\":\"{huge}\"}}", Encoding.UTF8, "application/json"));

        await response.ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Should_answer_a_get_that_carries_a_json_content_type_but_no_body()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/templates")
        {
            Content = new ByteArrayContent([]) { Headers = { { "Content-Type", "application/json" } } },
        };

        var response = await api.Admin().SendAsync(request);

        await response.ShouldHaveStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_answer_an_unknown_route_with_404()
    {
        var response = await api.Admin().GetAsync("/api/v1/no-such-thing");

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_answer_a_duplicate_org_unit_with_409_and_keep_the_first()
    {
        var tenant = await _data.TenantAsync();
        var unit = await _data.OrgUnitAsync(tenant, name: "陶然亭街道");

        var response = await api.Admin().PostAsJsonAsync($"/api/v1/tenants/{tenant}/org-units",
            new { code = unit, name = "另一个", kind = "sub-district" });

        var problem = await response.ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains(unit, problem.GetProperty("detail").GetString());
        var kept = await api.Admin().GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/tenants/{tenant}/org-units/{unit}");
        Assert.Equal("陶然亭街道", kept.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Should_answer_a_duplicate_tenant_with_409()
    {
        var tenant = await _data.TenantAsync();

        var response = await api.Admin().PostAsJsonAsync("/api/v1/tenants", new { code = tenant, name = "x", kind = "district" });

        await response.ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Should_list_every_invalid_field_of_a_request()
    {
        var response = await api.Admin().PostAsJsonAsync("/api/v1/tenants", new { code = "bad code!", name = "", kind = "galaxy" });

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToHashSet();
        Assert.Equal(["code", "name", "kind"], fields);
    }

    [Fact]
    public async Task Should_refuse_an_org_unit_whose_parent_does_not_exist()
    {
        var tenant = await _data.TenantAsync();

        var response = await api.Admin().PostAsJsonAsync($"/api/v1/tenants/{tenant}/org-units",
            new { code = "x1", name = "x", kind = "sub-district", parent = "nope" });

        await response.ShouldBeProblem(HttpStatusCode.BadRequest);
    }
}
