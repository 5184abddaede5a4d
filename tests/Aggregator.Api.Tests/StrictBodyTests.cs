using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>
/// A body means exactly what it says: a member the operation does not take is refused with a 400 naming it (a misspelt
/// "notes" silently dropped would store a version without its note), and a note is part of what a version is.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StrictBodyTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    // --- unknown members

    [Fact]
    public async Task Should_refuse_a_report_with_a_misspelt_member_naming_it_and_store_nothing()
    {
        var district = await _data.DistrictAsync();
        var body = TestData.ReportFor().ToJson();
        body["notes"] = "1.1 更正";

        var response = await SendAsync(district.Keys["reporter@a"], HttpMethod.Post, $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions", body);

        await ShouldNameAsync(response, "notes");
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_refuse_an_unknown_member_on_every_json_write_and_change_nothing()
    {
        var district = await _data.DistrictAsync();
        var tenant = $"/api/v1/tenants/{district.Tenant}";
        var newTenant = TestData.UniqueCode("t");
        var newUnit = TestData.UniqueCode("u");

        await ShouldNameAsync(await SendAsync(ApiFixture.AdminKey, HttpMethod.Post, "/api/v1/tenants",
            new JsonObject { ["code"] = newTenant, ["name"] = "东城区", ["kind"] = "district", ["zone"] = "Asia/Shanghai" }), "zone");
        await ShouldNameAsync(await SendAsync(district.Keys["tenant-admin@root"], HttpMethod.Post, $"{tenant}/org-units",
            new JsonObject { ["code"] = newUnit, ["name"] = "椿树街道", ["kind"] = "sub-district", ["parent"] = district.Tenant, ["parentCode"] = "x" }),
            "parentCode");
        await ShouldNameAsync(await SendAsync(district.Keys["tenant-admin@root"], HttpMethod.Post, $"{tenant}/api-keys",
            new JsonObject { ["orgUnit"] = district.SubDistrictA, ["role"] = "viewer", ["name"] = "大屏", ["expires"] = "2030-01-01" }), "expires");
        await ShouldNameAsync(await SendAsync(district.Keys["tenant-admin@root"], HttpMethod.Put, $"{tenant}/settings",
            new JsonObject { ["review"] = "required", ["reveiw"] = "off" }), "reveiw");
        await ShouldNameAsync(await SendAsync(district.Keys["tenant-admin@root"], HttpMethod.Put, $"{tenant}/deadlines/{SeedReport.Year}",
            new JsonObject { ["due"] = "2018-02-28T23:59:59+08:00", ["grace"] = "P3D" }), "grace");

        var admin = api.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/tenants/{newTenant}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{tenant}/org-units/{newUnit}")).StatusCode);
        var keys = await api.Client(district.Keys["tenant-admin@root"]).GetFromJsonAsync<JsonElement>($"{tenant}/api-keys");
        Assert.DoesNotContain(keys.GetProperty("items").EnumerateArray(), key => key.GetProperty("name").GetString() == "大屏");
        var settings = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>($"{tenant}/settings");
        Assert.Equal("off", settings.GetProperty("review").GetString());
        var deadline = await api.Client(district.Keys["viewer@root"]).GetAsync($"{tenant}/deadlines/{SeedReport.Year}");
        Assert.DoesNotContain("2018-02-28", await deadline.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_refuse_a_return_with_an_unknown_member_and_leave_the_version_waiting()
    {
        var district = await _data.DistrictAsync();
        await (await api.Client(district.Keys["tenant-admin@root"]).PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review = "required" }))
            .ShouldHaveStatus(HttpStatusCode.OK);
        await (await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var response = await SendAsync(district.Keys["reviewer@root"], HttpMethod.Post,
            $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions/1/return", new JsonObject { ["comment"] = "请核对", ["reason"] = "3.1" });

        await ShouldNameAsync(response, "reason");
        var current = await api.Client(district.Keys["reporter@a"]).GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal("submitted", current.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_name_the_unknown_member_as_sent_and_tell_malformed_json_apart()
    {
        var district = await _data.DistrictAsync();
        var path = $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions";
        var body = TestData.ReportFor().ToJson();
        body["Extra"] = 1;

        await ShouldNameAsync(await SendAsync(district.Keys["reporter@a"], HttpMethod.Post, path, body), "Extra");
        var broken = await SendRawAsync(district.Keys["reporter@a"], path, "{\"template\": \"bj-gip-2017\", \"values\": ");
        var problem = await broken.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.DoesNotContain(problem.GetProperty("errors").EnumerateArray(), error => error.GetProperty("reason").GetString()!.Contains("not a member"));
        // A known member still binds whatever its spelling's case, as before.
        var known = TestData.ReportFor().ToJson();
        known["Note"] = known["template"]!.DeepClone();
        await (await SendAsync(district.Keys["reporter@a"], HttpMethod.Post, path, known)).ShouldHaveStatus(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("\\u0000", "\uFFFD")]
    [InlineData("\\udc00", "")]
    [InlineData("\\ud840\\udc00", "\U00020000")]
    [InlineData("long", null)]
    public async Task Should_echo_an_unknown_members_name_only_as_printable_text_of_bounded_length(string escaped, string? echoed)
    {
        var district = await _data.DistrictAsync();
        var name = escaped == "long" ? new string('x', 5_000) : escaped;

        var response = await SendRawAsync(district.Keys["reporter@a"], $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions",
            $"{{\"template\":\"bj-gip-2017\",\"{name}\":1,\"values\":{{\"1.1\":975}}}}");

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        if (echoed == "")
            Assert.Empty(errors); // a lone surrogate in a member name: the serializer cannot read the name at all
        else
            Assert.Equal(echoed ?? new string('x', 100) + "…", Assert.Single(errors).GetProperty("name").GetString());
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    // --- notes are content

    [Fact]
    public async Task Should_store_a_new_version_for_the_same_figures_with_another_note()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var first = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor());
        await first.ShouldHaveStatus(HttpStatusCode.Created);

        var noted = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().WithNote("1.1 已核对"));
        var again = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().WithNote("1.1 已核对"));
        var unnoted = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor());

        await noted.ShouldHaveStatus(HttpStatusCode.Created);
        var stored = await noted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
        Assert.False(stored.GetProperty("unchanged").GetBoolean());
        Assert.NotEqual(first.Headers.ETag, noted.Headers.ETag);
        await again.ShouldHaveStatus(HttpStatusCode.OK);
        var same = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(same.GetProperty("unchanged").GetBoolean());
        Assert.Equal(2, same.GetProperty("version").GetInt32());
        await unnoted.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(3, (await unnoted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        var history = await reporter.GetFromJsonAsync<JsonElement>($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions");
        var notes = history.GetProperty("items").EnumerateArray()
            .ToDictionary(v => v.GetProperty("version").GetInt32(), v => v.GetProperty("note").GetString());
        Assert.Equal(new Dictionary<int, string?> { [1] = null, [2] = "1.1 已核对", [3] = null }, notes);
    }

    [Fact]
    public async Task Should_store_a_new_version_when_the_same_document_is_imported_with_a_note()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.ImportAsync(reporter, district.Tenant, district.SubDistrictA, SeedDocx.Build(), "taoranting-2017.docx"))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var noted = await ImportWithNoteAsync(reporter, district, "按区政府要求重新上传");
        var again = await ImportWithNoteAsync(reporter, district, "按区政府要求重新上传");

        await noted.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(2, (await noted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stored").GetProperty("version").GetInt32());
        await again.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unchanged").GetBoolean());
        Assert.Equal(2, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    private Task<HttpResponseMessage> ImportWithNoteAsync(HttpClient client, District district, string note)
    {
        var file = new ByteArrayContent(SeedDocx.Build());
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        var form = new MultipartFormDataContent { { file, "file", "taoranting-2017.docx" }, { new StringContent(note), "note" } };
        return client.PostAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/import", form);
    }

    private static async Task ShouldNameAsync(HttpResponseMessage response, string member)
    {
        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(member, error.GetProperty("name").GetString());
        var reason = error.GetProperty("reason").GetString()!;
        Assert.Contains($"'{member}'", reason);
        Assert.DoesNotContain("Aggregator.", reason);
        Assert.Contains(member, problem.GetProperty("detail").GetString());
    }

    private Task<HttpResponseMessage> SendAsync(string key, HttpMethod method, string path, JsonObject body)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", key);
        return api.Client().SendAsync(request);
    }

    private Task<HttpResponseMessage> SendRawAsync(string key, string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", key);
        return api.Client().SendAsync(request);
    }
}
