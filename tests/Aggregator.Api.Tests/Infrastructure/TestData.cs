using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>Builders for the things most tests need: a tenant, its units, keys of each role.</summary>
public sealed class TestData(ApiFixture api)
{
    private static int _sequence;

    public static string UniqueCode(string prefix) => $"{prefix}{Interlocked.Increment(ref _sequence):D4}{Random.Shared.Next(1000, 9999)}";

    public async Task<string> TenantAsync(string name = "西城区")
    {
        var code = UniqueCode("t");
        var response = await api.Admin().PostAsJsonAsync("/api/v1/tenants", new { code, name, kind = "district" });
        await response.ShouldHaveStatus(HttpStatusCode.Created);
        return code;
    }

    public async Task<string> OrgUnitAsync(string tenant, string? parent = null, string name = "陶然亭街道", string kind = "sub-district")
    {
        var code = UniqueCode("u");
        var response = await api.Admin().PostAsJsonAsync($"/api/v1/tenants/{tenant}/org-units", new { code, name, kind, parent });
        await response.ShouldHaveStatus(HttpStatusCode.Created);
        return code;
    }

    public async Task<(string Id, string Key)> KeyAsync(string tenant, string orgUnit, string role)
    {
        var response = await api.Admin().PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-keys", new { orgUnit, role, name = $"{role} of {orgUnit}" });
        await response.ShouldHaveStatus(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    /// <summary>The seed report, or a variation of it: <c>TestData.ReportFor().With("3.1", 4)</c>.</summary>
    public static ReportBody ReportFor() => ReportBody.Seed();

    public static string ReportPath(string tenant, string org, int year = SeedReport.Year) =>
        $"/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}";

    /// <summary>Posts a report version; the response is the test's to check.</summary>
    public static async Task<HttpResponseMessage> PostReportAsync(HttpClient client, string tenant, string org, ReportBody report,
        int year = SeedReport.Year, string? idempotencyKey = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{ReportPath(tenant, org, year)}/versions")
        {
            Content = JsonContent.Create(report.ToJson()),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }

    /// <summary>Posts an annual report document (.txt or .docx) to the import of a unit's report; the response is the test's to check.</summary>
    public static Task<HttpResponseMessage> ImportAsync(HttpClient client, string tenant, string org, byte[] file, string fileName,
        int year = SeedReport.Year, bool dryRun = false)
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(fileName.EndsWith(".docx", StringComparison.Ordinal)
            ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document" : "text/plain");
        var form = new MultipartFormDataContent { { content, "file", fileName } };
        return client.PostAsync($"{ReportPath(tenant, org, year)}/import{(dryRun ? "?dryRun=true" : "")}", form);
    }

    /// <summary>The id of a tenant, by its code.</summary>
    public async Task<Guid> TenantIdAsync(string tenantCode)
    {
        await using var db = await api.TenantDb.BeginPlatformAsync(CancellationToken.None);
        var id = await db.QuerySingleAsync<Guid>("SELECT tenant_id FROM tenants WHERE code = @tenantCode", new { tenantCode });
        await db.CommitAsync();
        return id;
    }

    /// <summary>How many versions of the report are stored (0 when none), asked as the tenant-admin.</summary>
    public async Task<int> VersionCountAsync(District district, string org, int year = SeedReport.Year)
    {
        var response = await api.Client(district.Keys["tenant-admin@root"]).GetAsync($"{ReportPath(district.Tenant, org, year)}/versions");
        if (response.StatusCode == HttpStatusCode.NotFound) return 0;
        await response.ShouldHaveStatus(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetArrayLength();
    }

    /// <summary>A district with two sub-districts and a key of every role at each level.</summary>
    public async Task<District> DistrictAsync()
    {
        var tenant = await TenantAsync();
        var a = await OrgUnitAsync(tenant);
        var b = await OrgUnitAsync(tenant, name: "广安门内街道");
        var keys = new Dictionary<string, string>();
        foreach (var role in new[] { "tenant-admin", "reporter", "reviewer", "viewer" })
        {
            keys[$"{role}@root"] = (await KeyAsync(tenant, tenant, role)).Key;
            keys[$"{role}@a"] = (await KeyAsync(tenant, a, role)).Key;
        }
        return new District(tenant, a, b, keys);
    }
}

public sealed record District(string Tenant, string SubDistrictA, string SubDistrictB, IReadOnlyDictionary<string, string> Keys)
{
    public static readonly string[] Roles = ["tenant-admin", "reporter", "reviewer", "viewer"];
}

public static class HttpAssertions
{
    public static async Task ShouldHaveStatus(this HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        }
    }

    /// <summary>The status, and a body that is RFC 9457 problem details.</summary>
    public static async Task<JsonElement> ShouldBeProblem(this HttpResponseMessage response, HttpStatusCode expected)
    {
        await response.ShouldHaveStatus(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, body.GetProperty("status").GetInt32());
        Assert.True(body.TryGetProperty("title", out _), "a problem has a title");
        return body;
    }
}
