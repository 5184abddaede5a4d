using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Imports;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Review;

/// <summary>
/// Review cannot be bypassed: a version is accepted, returned or its year reopened only by a reviewer or tenant-admin of
/// a unit strictly above the unit that reported it (the root's own report: at the root), and never by the key that
/// reported it; a unit mints no keys of its own; the platform admin writes, imports and reviews no reports.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SeparationOfDutiesTests(ApiFixture api)
{
    private const int Year = SeedReport.Year;
    private const string SeparationOfDuties = "/problems/separation-of-duties";
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_refuse_a_sub_districts_tenant_admin_that_accepts_the_version_it_posted()
    {
        var district = await ReviewedDistrictAsync();
        var posted = await TestData.PostReportAsync(Client(district, "tenant-admin@a"), district.Tenant, district.SubDistrictA, TestData.ReportFor());
        await posted.ShouldHaveStatus(HttpStatusCode.Created);

        var self = await MoveAsync(district, "tenant-admin@a", district.SubDistrictA, 1, "accept");
        var ownReviewer = await MoveAsync(district, "reviewer@a", district.SubDistrictA, 1, "accept");
        var ownReturn = await MoveAsync(district, "reviewer@a", district.SubDistrictA, 1, "return", "请核对");

        foreach (var (refused, reason) in new[] { (self, "自己报送"), (ownReviewer, "上级单位"), (ownReturn, "上级单位") })
        {
            var problem = await refused.ShouldBeProblem(HttpStatusCode.Forbidden);
            Assert.Equal(SeparationOfDuties, problem.GetProperty("type").GetString());
            Assert.Contains(reason, problem.GetProperty("detail").GetString());
        }
        Assert.Equal("submitted", (await CurrentAsync(district, district.SubDistrictA)).GetProperty("status").GetString());

        var above = await MoveAsync(district, "reviewer@root", district.SubDistrictA, 1, "accept");
        await above.ShouldHaveStatus(HttpStatusCode.OK);
        var accepted = await above.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        Assert.NotEqual(accepted.GetProperty("reportedBy").GetString(), accepted.GetProperty("statusBy").GetString()?.Replace("key:", ""));
    }

    [Fact]
    public async Task Should_refuse_the_key_that_reported_a_version_even_from_above_the_unit()
    {
        var district = await ReviewedDistrictAsync();
        await (await TestData.PostReportAsync(Client(district, "tenant-admin@root"), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var self = await MoveAsync(district, "tenant-admin@root", district.SubDistrictA, 1, "accept");
        var problem = await self.ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.Equal(SeparationOfDuties, problem.GetProperty("type").GetString());
        Assert.Contains("自己报送", problem.GetProperty("detail").GetString());
        Assert.Equal("submitted", (await CurrentAsync(district, district.SubDistrictA)).GetProperty("status").GetString());

        await (await MoveAsync(district, "reviewer@root", district.SubDistrictA, 1, "accept")).ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("accepted", (await CurrentAsync(district, district.SubDistrictA)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_let_another_key_of_the_root_review_the_roots_own_report_but_never_the_key_that_reported_it()
    {
        var district = await ReviewedDistrictAsync();
        var root = district.Tenant;
        await (await TestData.PostReportAsync(Client(district, "tenant-admin@root"), district.Tenant, root, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var self = await MoveAsync(district, "tenant-admin@root", root, 1, "return", "自查");
        Assert.Equal(SeparationOfDuties, (await self.ShouldBeProblem(HttpStatusCode.Forbidden)).GetProperty("type").GetString());
        await (await MoveAsync(district, "reviewer@root", root, 1, "return", "请核对 1.1")).ShouldHaveStatus(HttpStatusCode.OK);

        await (await TestData.PostReportAsync(Client(district, "reporter@root"), district.Tenant, root, TestData.ReportFor().With("1.1", 976)))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await (await MoveAsync(district, "tenant-admin@root", root, 2, "accept")).ShouldHaveStatus(HttpStatusCode.OK);
        var current = await CurrentAsync(district, root);
        Assert.Equal((2, "accepted", true), (current.GetProperty("version").GetInt32(), current.GetProperty("status").GetString(),
            current.GetProperty("locked").GetBoolean()));
    }

    [Fact]
    public async Task Should_reopen_a_year_only_from_above_the_unit_and_not_with_the_key_whose_version_counts()
    {
        var district = await ReviewedDistrictAsync();
        await (await TestData.PostReportAsync(Client(district, "tenant-admin@root"), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await (await MoveAsync(district, "reviewer@root", district.SubDistrictA, 1, "accept")).ShouldHaveStatus(HttpStatusCode.OK);

        var ownUnit = await ReopenAsync(district, "reviewer@a", district.SubDistrictA);
        var reportedIt = await ReopenAsync(district, "tenant-admin@root", district.SubDistrictA);

        Assert.Equal(SeparationOfDuties, (await ownUnit.ShouldBeProblem(HttpStatusCode.Forbidden)).GetProperty("type").GetString());
        Assert.Equal(SeparationOfDuties, (await reportedIt.ShouldBeProblem(HttpStatusCode.Forbidden)).GetProperty("type").GetString());
        Assert.True((await CurrentAsync(district, district.SubDistrictA)).GetProperty("locked").GetBoolean());

        await (await ReopenAsync(district, "reviewer@root", district.SubDistrictA)).ShouldHaveStatus(HttpStatusCode.OK);
        Assert.False((await CurrentAsync(district, district.SubDistrictA)).GetProperty("locked").GetBoolean());
    }

    [Fact]
    public async Task Should_accept_and_reopen_with_no_body_and_no_content_type_and_check_a_comment_when_one_is_sent()
    {
        var district = await ReviewedDistrictAsync();
        var path = TestData.ReportPath(district.Tenant, district.SubDistrictA);
        await (await TestData.PostReportAsync(Client(district, "reporter@a"), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var reviewer = Client(district, "reviewer@root");

        var control = await reviewer.PostAsJsonAsync($"{path}/versions/1/accept", new { comment = "核对\u0000无误" });
        var bidi = await reviewer.PostAsJsonAsync($"{path}/versions/1/accept", new { comment = new string('长', 2001) });
        await control.ShouldBeProblem(HttpStatusCode.BadRequest);
        await bidi.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal("submitted", (await CurrentAsync(district, district.SubDistrictA)).GetProperty("status").GetString());

        using var accept = new HttpRequestMessage(HttpMethod.Post, $"{path}/versions/1/accept");
        var accepted = await reviewer.SendAsync(accept);
        await accepted.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("statusComment").ValueKind);

        // An empty body with a JSON content type, as many clients send, is no body either.
        using var reopen = new HttpRequestMessage(HttpMethod.Post, $"{path}/reopen") { Content = new StringContent("", null, "application/json") };
        var reopened = await reviewer.SendAsync(reopen);
        await reopened.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.False((await reopened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("locked").GetBoolean());
    }

    [Fact]
    public async Task Should_not_let_the_platform_admin_write_import_or_review_reports()
    {
        var district = await ReviewedDistrictAsync();
        var admin = api.Client(ApiFixture.AdminKey, language: null);
        var path = TestData.ReportPath(district.Tenant, district.SubDistrictA);
        await (await TestData.PostReportAsync(Client(district, "reporter@a"), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var refused = new[]
        {
            await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictB, TestData.ReportFor()),
            await TestData.ImportAsync(admin, district.Tenant, district.SubDistrictB, System.Text.Encoding.UTF8.GetBytes(SeedReport.Text), "seed.txt"),
            await ImportCsv.SendAsync(admin, district.Tenant, new ImportCsv().Report(district.SubDistrictB, Year - 1).Bytes()),
            await admin.PostAsJsonAsync($"{path}/versions/1/accept", new { comment = "ok" }),
            await admin.PostAsJsonAsync($"{path}/versions/1/return", new { comment = "请核对" }),
            await admin.PostAsJsonAsync($"{path}/reopen", new { comment = "ok" }),
        };

        foreach (var response in refused)
        {
            var problem = await response.ShouldBeProblem(HttpStatusCode.Forbidden);
            Assert.Equal(SeparationOfDuties, problem.GetProperty("type").GetString());
            Assert.Contains("平台管理员", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictB));
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictB, Year - 1));
        Assert.Equal("submitted", (await CurrentAsync(district, district.SubDistrictA)).GetProperty("status").GetString());
        // It still manages the tenant: units and keys.
        await (await admin.GetAsync($"/api/v1/tenants/{district.Tenant}/api-keys")).ShouldHaveStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_not_let_a_sub_districts_tenant_admin_mint_keys_at_its_own_unit()
    {
        var district = await _data.DistrictAsync();
        var below = await _data.OrgUnitAsync(district.Tenant, district.SubDistrictA, "陶然亭社区", "office");
        var keys = $"/api/v1/tenants/{district.Tenant}/api-keys";
        var subAdmin = Client(district, "tenant-admin@a");

        var failures = new List<string>();
        foreach (var role in District.Roles)
        {
            var own = await subAdmin.PostAsJsonAsync(keys, new { orgUnit = district.SubDistrictA, role, name = $"own {role}" });
            if (own.StatusCode != HttpStatusCode.Forbidden) failures.Add($"{role} at its own unit: {(int)own.StatusCode}");
            else if ((await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString() != SeparationOfDuties)
                failures.Add($"{role} at its own unit: not {SeparationOfDuties}");
        }
        Assert.Empty(failures);

        // Below its unit it may; the root's tenant-admin may mint at the root (nobody is above it), but no peer tenant-admin.
        await (await subAdmin.PostAsJsonAsync(keys, new { orgUnit = below, role = "reviewer", name = "社区审核" })).ShouldHaveStatus(HttpStatusCode.Created);
        var root = Client(district, "tenant-admin@root");
        await (await root.PostAsJsonAsync(keys, new { orgUnit = district.Tenant, role = "reviewer", name = "区审核" })).ShouldHaveStatus(HttpStatusCode.Created);
        await (await root.PostAsJsonAsync(keys, new { orgUnit = district.Tenant, role = "tenant-admin", name = "peer" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        // Revoking takes power away: a unit may stop a key of its own that leaked.
        var (leakedId, leaked) = await _data.KeyAsync(district.Tenant, district.SubDistrictA, "reporter");
        await (await subAdmin.DeleteAsync($"{keys}/{leakedId}")).ShouldHaveStatus(HttpStatusCode.NoContent);
        await (await api.Client(leaked).GetAsync("/api/v1/me")).ShouldBeProblem(HttpStatusCode.Unauthorized);

        var listed = await root.GetFromJsonAsync<JsonElement>(keys);
        var ownKeys = listed.GetProperty("items").EnumerateArray()
            .Count(k => k.GetProperty("orgUnit").GetString() == district.SubDistrictA && k.GetProperty("name").GetString()!.StartsWith("own ", StringComparison.Ordinal));
        Assert.Equal(0, ownKeys);
    }

    private async Task<District> ReviewedDistrictAsync()
    {
        var district = await _data.DistrictAsync();
        await (await Client(district, "tenant-admin@root").PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review = "required" }))
            .ShouldHaveStatus(HttpStatusCode.OK);
        return district;
    }

    // Without Accept-Language: the refusals are asserted as a Chinese officer reads them.
    private HttpClient Client(District district, string key) => api.Client(district.Keys[key], language: null);

    private Task<HttpResponseMessage> MoveAsync(District district, string key, string org, int version, string move, string? comment = "ok") =>
        Client(district, key).PostAsJsonAsync($"{TestData.ReportPath(district.Tenant, org)}/versions/{version}/{move}", new { comment });

    private Task<HttpResponseMessage> ReopenAsync(District district, string key, string org) =>
        Client(district, key).PostAsJsonAsync($"{TestData.ReportPath(district.Tenant, org)}/reopen", new { comment = "补充更正" });

    private Task<JsonElement> CurrentAsync(District district, string org) =>
        Client(district, "viewer@root").GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, org));
}
