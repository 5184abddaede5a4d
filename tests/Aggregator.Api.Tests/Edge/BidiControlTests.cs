using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Edge;

/// <summary>
/// Bidirectional controls (U+202A–U+202E, U+2066–U+2069, and the marks U+200E, U+200F, U+061C) make a name or note
/// read differently from what it holds ("陶然亭街道" shown for a unit whose name ends reversed). They are refused like
/// control characters: a 400 naming the field, and nothing stored.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BidiControlTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_refuse_an_org_unit_name_with_a_right_to_left_override()
    {
        var district = await _data.DistrictAsync();
        var code = TestData.UniqueCode("u");
        var admin = api.Client(district.Keys["tenant-admin@root"]);

        var response = await admin.PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/org-units",
            new { code, name = "陶然亭\u202E道街", kind = "sub-district", parent = district.Tenant });

        Assert.Equal(["name"], await FieldsNamedAsync(response));
        var units = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/org-units");
        Assert.DoesNotContain(code, units.ToString());
    }

    [Fact]
    public async Task Should_refuse_a_note_with_a_left_to_right_isolate_and_store_no_version()
    {
        var district = await _data.DistrictAsync();

        var response = await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA,
            TestData.ReportFor().WithNote("已核对\u2066 1.1 \u2069"));

        Assert.Equal(["note"], await FieldsNamedAsync(response));
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Theory]
    [InlineData('\u202A')]
    [InlineData('\u202B')]
    [InlineData('\u202C')]
    [InlineData('\u202D')]
    [InlineData('\u202E')]
    [InlineData('\u2066')]
    [InlineData('\u2067')]
    [InlineData('\u2068')]
    [InlineData('\u2069')]
    [InlineData('\u200E')]
    [InlineData('\u200F')]
    [InlineData('\u061C')]
    public async Task Should_refuse_a_tenant_name_with_any_bidirectional_control(char control)
    {
        var code = TestData.UniqueCode("t");

        var response = await api.Admin().PostAsJsonAsync("/api/v1/tenants", new { code, name = $"西城{control}区", kind = "district" });

        Assert.Equal(["name"], await FieldsNamedAsync(response));
        await (await api.Admin().GetAsync($"/api/v1/tenants/{code}")).ShouldHaveStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_refuse_a_key_name_with_a_right_to_left_embedding()
    {
        var district = await _data.DistrictAsync();
        var admin = api.Client(district.Keys["tenant-admin@root"]);

        var response = await admin.PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/api-keys",
            new { orgUnit = district.SubDistrictA, role = "viewer", name = "看板\u202Bdrawde" });

        Assert.Equal(["name"], await FieldsNamedAsync(response));
        var keys = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/api-keys");
        Assert.DoesNotContain("drawde", keys.ToString());
    }

    [Fact]
    public async Task Should_refuse_a_code_that_only_an_invisible_mark_tells_apart()
    {
        var district = await _data.DistrictAsync();

        var response = await api.Client(district.Keys["tenant-admin@root"]).PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/org-units",
            new { code = district.SubDistrictA + "\u200F", name = "陶然亭街道", kind = "sub-district", parent = district.Tenant });

        Assert.Equal(["code"], await FieldsNamedAsync(response));
    }

    [Fact]
    public async Task Should_keep_chinese_punctuation_and_line_breaks_in_a_note()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        const string note = "更正：1.1（主动公开）由 975 改为 976。\n——陶然亭街道";

        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().WithNote(note)))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var current = await reporter.GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal(note, current.GetProperty("note").GetString());
    }

    /// <summary>The fields a 400 names for their bidirectional controls (its message says why).</summary>
    private static async Task<List<string?>> FieldsNamedAsync(HttpResponseMessage response)
    {
        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        return problem.GetProperty("errors").EnumerateArray()
            .Where(error => error.ToString().Contains("bidirectional controls", StringComparison.Ordinal))
            .Select(error => error.GetProperty("name").GetString()).ToList();
    }
}
