using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Edge;

/// <summary>
/// Lengths count characters (code points, as PostgreSQL's char_length does), not UTF-16 code units: 𠀀 and the
/// other CJK Extension B characters of real place names are one character each, though .NET stores them as two.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CharacterLengthTests(ApiFixture api)
{
    /// <summary>U+20000, a surrogate pair in UTF-16.</summary>
    private const string ExtensionB = "𠀀";

    private readonly TestData _data = new(api);

    public static TheoryData<string, string, int> Limits => new()
    {
        { "tenant name", "name", 200 },
        { "org-unit name", "name", 200 },
        { "api-key name", "name", 200 },
        { "report note", "note", 2000 },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task Should_count_a_surrogate_pair_as_one_character(string place, string field, int limit)
    {
        var district = await _data.DistrictAsync();

        var atLimit = await SendAsync(district, place, Repeat(limit));
        var beyond = await SendAsync(district, place, Repeat(limit + 1));

        await atLimit.ShouldHaveStatus(HttpStatusCode.Created);
        var problem = await beyond.ShouldBeProblem(HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(field, error.GetProperty("name").GetString());
        Assert.Contains($"it has {limit + 1}.", error.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Should_give_back_a_name_of_200_extension_b_characters_as_it_was_sent()
    {
        var tenant = await _data.TenantAsync();
        var name = Repeat(200);

        var code = await _data.OrgUnitAsync(tenant, name: name);

        var unit = await api.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}/org-units/{code}");
        Assert.Equal(name, unit.GetProperty("name").GetString());
    }

    private static string Repeat(int characters) => string.Concat(Enumerable.Repeat(ExtensionB, characters));

    private Task<HttpResponseMessage> SendAsync(District district, string place, string text) => place switch
    {
        "tenant name" => api.Admin().PostAsJsonAsync("/api/v1/tenants", new { code = TestData.UniqueCode("t"), name = text, kind = "district" }),
        "org-unit name" => api.Admin().PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/org-units",
            new { code = TestData.UniqueCode("u"), name = text, kind = "sub-district" }),
        "api-key name" => api.Admin().PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/api-keys",
            new { orgUnit = district.SubDistrictA, role = "viewer", name = text }),
        "report note" => TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA,
            TestData.ReportFor().WithNote(text)),
        _ => throw new ArgumentOutOfRangeException(nameof(place), place, null),
    };
}
