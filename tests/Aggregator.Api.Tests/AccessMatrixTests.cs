using System.Net;
using System.Net.Http.Json;
using Aggregator.Api.Auth;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests;

/// <summary>
/// Every registered endpoint — read from the running API, so a new endpoint cannot skip this — asked by
/// every kind of key that should not get in: no key, an unknown or revoked key (401), each role of another
/// tenant (404, as if the tenant did not exist), each role of the tenant that the endpoint does not declare
/// (403), and a key whose unit does not reach the route's unit (404). The platform admin is let in everywhere except
/// where a tenant's own hands are needed (writing, importing and reviewing reports: 403). No answer to an outsider carries
/// the other party's unit names or report notes.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AccessMatrixTests(ApiFixture api)
{
    private const string SecretName = "广安门内街道";
    private const string SecretNote = "B-only-note-7f3a";
    private readonly TestData _data = new(api);

    private sealed record Route(string Method, string Pattern, EndpointAccess? Access);

    private sealed record World(District District, District Other, string RevokedKey, string JobId);

    [Fact]
    public void Should_declare_the_roles_of_every_endpoint()
    {
        var undeclared = Routes().Where(r => r.Access is null).Select(r => $"{r.Method} {r.Pattern}").ToList();

        Assert.True(Routes().Count > 20, "the endpoint list was read from the running API");
        Assert.Empty(undeclared);
    }

    [Fact]
    public async Task Should_answer_every_endpoint_with_401_403_or_404_to_every_key_that_may_not_act()
    {
        var world = await WorldAsync();
        var failures = new List<string>();

        foreach (var route in Routes())
        {
            var hasTenant = route.Pattern.Contains("{tenant}", StringComparison.Ordinal);
            var hasOrg = route.Pattern.Contains("{org}", StringComparison.Ordinal);

            foreach (var key in new[] { null, "agg_unknown-key-000000000000000000000000000000000000", world.RevokedKey })
                await ExpectAsync(failures, route, world, key, "no, unknown or revoked key", HttpStatusCode.Unauthorized);

            if (hasTenant || route.Pattern.StartsWith("/api/v1/jobs/", StringComparison.Ordinal))
            {
                foreach (var role in District.Roles)
                    await ExpectAsync(failures, route, world, world.Other.Keys[$"{role}@root"], $"{role} of another tenant", HttpStatusCode.NotFound);
            }

            if (route.Access?.PlatformAdmin == false)
                await ExpectAsync(failures, route, world, ApiFixture.AdminKey, "the platform admin, not declared", HttpStatusCode.Forbidden);
            else
                await ExpectLetInAsync(failures, route, world, ApiFixture.AdminKey, "admin");

            foreach (var role in District.Roles)
            {
                var key = world.District.Keys[$"{role}@root"];
                if (route.Access?.Roles.Contains(role) != true)
                    await ExpectAsync(failures, route, world, key, $"{role}, not declared", HttpStatusCode.Forbidden);
                else
                    await ExpectLetInAsync(failures, route, world, key, role);
            }

            if (hasOrg || route.Pattern.EndsWith("/api-keys/{id}", StringComparison.Ordinal))
            {
                foreach (var role in District.Roles.Where(r => route.Access?.Roles.Contains(r) == true))
                    await ExpectAsync(failures, route, world, world.District.Keys[$"{role}@a"], $"{role} of sub-district A asking for B",
                        HttpStatusCode.NotFound, outsideScope: true);
            }
            else if (hasTenant && route.Method == "GET")
            {
                // Lists of the tenant: a key of sub-district A sees nothing of B.
                foreach (var role in District.Roles.Where(r => route.Access?.Roles.Contains(r) == true))
                {
                    using var response = await SendAsync(route, world, world.District.Keys[$"{role}@a"]);
                    var body = await response.Content.ReadAsStringAsync();
                    if (body.Contains(world.District.SubDistrictB, StringComparison.Ordinal) || body.Contains(SecretName, StringComparison.Ordinal)
                        || body.Contains(SecretNote, StringComparison.Ordinal))
                        failures.Add($"{route.Method} {route.Pattern} as {role} of A: the answer names sub-district B: {body}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Should_keep_the_platform_admin_out_of_writing_importing_and_reviewing_reports_and_let_it_in_elsewhere()
    {
        var closed = Routes().Where(r => r.Access?.PlatformAdmin == false).Select(r => $"{r.Method} {r.Pattern}").ToHashSet();

        // A PATCH of a report, when it exists, follows the POST of its versions.
        var expected = new[]
        {
            "POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions",
            "POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/import",
            "POST /api/v1/tenants/{tenant}/imports",
            "POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}/accept",
            "POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}/return",
            "POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/reopen",
            // The upstream link holds a key of the tenant's unit upstream; handing up is the tenant's own signature.
            "GET /api/v1/tenants/{tenant}/upstream",
            "PUT /api/v1/tenants/{tenant}/upstream",
            "DELETE /api/v1/tenants/{tenant}/upstream",
            "POST /api/v1/tenants/{tenant}/upstream/{year}/submissions",
            "GET /api/v1/tenants/{tenant}/upstream/{year}",
            // Publishing the year is the tenant's own act, as handing it up is.
            "POST /api/v1/tenants/{tenant}/publications",
        }.Concat(Routes().Where(r => r.Method == "PATCH" && r.Pattern.Contains("/reports/", StringComparison.Ordinal)).Select(r => $"{r.Method} {r.Pattern}"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), closed.Order(StringComparer.Ordinal));
        Assert.Contains(Routes(), r => r.Pattern == "/api/v1/me" && r.Access is { PlatformAdmin: true } && r.Access.OpenToEveryRole);
    }

    [Fact]
    public async Task Should_answer_404_to_another_tenant_before_looking_at_a_body_that_would_not_pass()
    {
        var district = await _data.DistrictAsync();
        var other = await _data.DistrictAsync();
        var path = $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions";

        var invalid = await api.Client(other.Keys["reporter@root"]).PostAsJsonAsync(path, new { template = 17, values = "none" });
        var notAllowed = await api.Client(district.Keys["viewer@root"]).PostAsJsonAsync(path, new { template = 17, values = "none" });

        await invalid.ShouldBeProblem(HttpStatusCode.NotFound);
        await notAllowed.ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    private async Task ExpectAsync(List<string> failures, Route route, World world, string? key, string who,
        HttpStatusCode expected, bool outsideScope = false)
    {
        using var response = await SendAsync(route, world, key, outsideScope);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
            failures.Add($"{route.Method} {route.Pattern} as {who}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            failures.Add($"{route.Method} {route.Pattern} as {who}: {(int)expected} is not problem+json");
        if (body.Contains(SecretName, StringComparison.Ordinal) || body.Contains(SecretNote, StringComparison.Ordinal))
            failures.Add($"{route.Method} {route.Pattern} as {who}: the answer carries sub-district B's name or note: {body}");
    }

    private async Task ExpectLetInAsync(List<string> failures, Route route, World world, string key, string role)
    {
        using var response = await SendAsync(route, world, key);
        var body = await response.Content.ReadAsStringAsync();
        // Let in: anything but 401/403 — a 404 can be right (a unit with no figures yet), a 5xx never is. A 403 of
        // separation of duties let the role in and then refused this key's own version (the PATCH before it stored one).
        var ownVersion = response.StatusCode == HttpStatusCode.Forbidden && body.Contains("/problems/separation-of-duties", StringComparison.Ordinal);
        if ((response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && !ownVersion) || (int)response.StatusCode >= 500)
            failures.Add($"{route.Method} {route.Pattern} as {role} (declared): {(int)response.StatusCode} {body}");
    }

    /// <summary>
    /// The key-less public reads are the only endpoints without declared roles: all under /public/v1, all anonymous, all
    /// GETs. What they answer to keys and to nobody is in Publications/PublicationTests.
    /// </summary>
    [Fact]
    public void Should_open_only_the_public_reads_to_callers_without_a_key()
    {
        var open = FastEndpointRoutes()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null || e.Metadata.GetMetadata<PublicRead>() is not null)
            .Select(e => $"{e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Single()} /{e.RoutePattern.RawText!.TrimStart('/')}")
            .Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
        [
            "GET /public/v1/{tenant}", "GET /public/v1/{tenant}/{year}", "GET /public/v1/{tenant}/{year}.csv",
            "GET /public/v1/{tenant}/{year}.docx", "GET /public/v1/{tenant}/{year}.xlsx", "GET /public/v1/{tenant}/{year}/editions/{n}",
        ], open);
        Assert.All(FastEndpointRoutes().Where(e => e.Metadata.GetMetadata<PublicRead>() is not null),
            e => Assert.Null(e.Metadata.GetMetadata<EndpointAccess>()));
    }

    private IEnumerable<RouteEndpoint> FastEndpointRoutes() => api.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .Where(e => e.Metadata.GetMetadata<FastEndpoints.EndpointDefinition>() is not null);

    private List<Route> Routes() => FastEndpointRoutes()
        .Where(e => e.Metadata.GetMetadata<PublicRead>() is null)
        .Select(e => new Route(
            e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Single(),
            "/" + e.RoutePattern.RawText!.TrimStart('/'),
            e.Metadata.GetMetadata<EndpointAccess>()))
        .OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// A district with reports in both sub-districts (B's with a note only B's readers may see), another
    /// district, a revoked key and a queued job of the first district.
    /// </summary>
    private async Task<World> WorldAsync()
    {
        var district = await _data.DistrictAsync();
        var other = await _data.DistrictAsync();
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        // A's version by A's reporter: the root's reviewer and tenant-admin may then accept or return it (not their own).
        await (await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictB, TestData.ReportFor().WithNote(SecretNote)))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var (revokedId, revokedKey) = await _data.KeyAsync(district.Tenant, district.Tenant, "tenant-admin");
        (await api.Admin().DeleteAsync($"/api/v1/tenants/{district.Tenant}/api-keys/{revokedId}")).EnsureSuccessStatusCode();

        var recompute = await api.Client(district.Keys["reviewer@root"]).PostAsync(
            $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{SeedReport.Year}/recompute", null);
        await recompute.ShouldHaveStatus(HttpStatusCode.Accepted);
        var jobId = recompute.Headers.Location!.OriginalString.Split('/').Last();
        return new World(district, other, revokedKey, jobId);
    }

    private async Task<HttpResponseMessage> SendAsync(Route route, World world, string? key, bool outsideScope = false)
    {
        var district = world.District;
        var path = route.Pattern;
        var values = new Dictionary<string, string>
        {
            ["tenant"] = district.Tenant,
            ["org"] = outsideScope ? district.SubDistrictB : district.SubDistrictA,
            ["year"] = SeedReport.Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["v"] = "1",
            ["code"] = SeedReport.Template,
        };
        if (path.Contains("{id}", StringComparison.Ordinal))
        {
            values["id"] = path.StartsWith("/api/v1/jobs/", StringComparison.Ordinal)
                ? world.JobId
                : (await _data.KeyAsync(district.Tenant, outsideScope ? district.SubDistrictB : district.SubDistrictA, "viewer")).Id;
        }
        foreach (var (name, value) in values) path = path.Replace($"{{{name}}}", value, StringComparison.Ordinal);
        Assert.False(path.Contains('{'), $"{route.Method} {route.Pattern}: the access matrix has no value for a route parameter");

        var request = new HttpRequestMessage(new HttpMethod(route.Method), path + Query(route)) { Content = Body(route, district) };
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        // A patch needs If-Match (428 without it): '*', whichever version is current, so that a key let in really patches.
        if (route.Method == "PATCH") request.Headers.TryAddWithoutValidation("If-Match", "*");
        return await api.Client().SendAsync(request);
    }

    /// <summary>The query parameters an endpoint requires, so that its answer is about access, not a missing parameter.</summary>
    private static string Query(Route route) => route.Pattern switch
    {
        _ when route.Pattern.EndsWith("/diff", StringComparison.Ordinal) => "?against=1",
        _ when route.Pattern.EndsWith("/breakdown", StringComparison.Ordinal) => "?indicator=1.1",
        _ when route.Pattern.EndsWith("/series", StringComparison.Ordinal) => "?indicator=1.1&from=2016&to=2017",
        _ when route.Pattern.Contains("/table/", StringComparison.Ordinal) => "?indicators=1.1,3.1",
        _ => "",
    };

    /// <summary>A body each writing endpoint would accept from a key that may act; a new one must be added here.</summary>
    private static HttpContent? Body(Route route, District district) => (route.Method, route.Pattern) switch
    {
        ("GET" or "DELETE", _) => null,
        (_, "/api/v1/tenants") => JsonContent.Create(new { code = TestData.UniqueCode("t"), name = "东城区", kind = "district" }),
        (_, "/api/v1/tenants/{tenant}/org-units") => JsonContent.Create(new
        {
            code = TestData.UniqueCode("u"), name = "新街道", kind = "sub-district", parent = district.SubDistrictA,
        }),
        (_, "/api/v1/tenants/{tenant}/api-keys") => JsonContent.Create(new { orgUnit = district.SubDistrictA, role = "viewer", name = "dashboard" }),
        (_, "/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions") => JsonContent.Create(TestData.ReportFor().With("1.1", 976).ToJson()),
        ("PATCH", "/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}") => JsonContent.Create(new { values = new Dictionary<string, decimal> { ["1.1"] = 976 } },
            new System.Net.Http.Headers.MediaTypeHeaderValue("application/merge-patch+json")),
        (_, "/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/import") => new MultipartFormDataContent
        {
            { new StringContent(SeedReport.Text), "file", "taoranting-2017.txt" },
        },
        (_, "/api/v1/tenants/{tenant}/org-units/{org}/rollups/{year}/recompute") => null,
        (_, "/api/v1/tenants/{tenant}/imports") => new MultipartFormDataContent
        {
            { new ByteArrayContent(new Imports.ImportCsv().Report(district.SubDistrictA, SeedReport.Year - 1).Bytes()), "file", "past-years.csv" },
        },
        (_, "/api/v1/tenants/{tenant}/settings") => JsonContent.Create(new { review = "off" }),
        (_, "/api/v1/tenants/{tenant}/deadlines/{year}") => JsonContent.Create(new { due = "2018-01-31T23:59:59+08:00" }),
        (_, "/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}/accept") => JsonContent.Create(new { comment = "核对无误" }),
        (_, "/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}/return") => JsonContent.Create(new { comment = "请更正" }),
        (_, "/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/reopen") => JsonContent.Create(new { comment = "补充更正" }),
        // A made-up key: a key that may act is let in, and upstream (this API) refuses the key (422).
        (_, "/api/v1/tenants/{tenant}/upstream") => JsonContent.Create(new
        {
            url = (string?)null, tenant = "110100", orgUnit = district.Tenant, key = "agg_made-up-upstream-key-000000000000000000000",
        }),
        (_, "/api/v1/tenants/{tenant}/upstream/{year}/submissions") => JsonContent.Create(new { allowIncomplete = false }),
        (_, "/api/v1/tenants/{tenant}/publications") => JsonContent.Create(new { year = SeedReport.Year, orgUnit = district.Tenant }),
        (_, "/api/v1/templates/{code}/validate") => JsonContent.Create(new { values = new Dictionary<string, decimal> { ["3.1"] = 3 } }),
        _ => throw new InvalidOperationException($"{route.Method} {route.Pattern}: add a body that a key which may act would send."),
    };
}
