using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Upstream;

/// <summary>The border holds both ways: the city reads the version it was handed, and nothing else of the district.</summary>
public sealed partial class UpstreamTests
{
    [Fact]
    public async Task Should_let_the_city_read_only_the_figures_handed_up_and_nothing_of_the_district()
    {
        var levels = await HandedUpAsync();
        var district = levels.District;

        var d = $"/api/v1/tenants/{district.Tenant}";
        var reads = new[]
        {
            $"{d}/org-units", $"{d}/org-units/{district.Tenant}", $"{d}/reports",
            $"{d}/org-units/{district.SubDistrictA}/reports/{Year}", $"{d}/org-units/{district.SubDistrictA}/reports/{Year}/versions",
            $"{d}/org-units/{district.SubDistrictA}/reports/{Year}/versions/1",
            $"{d}/org-units/{district.Tenant}/rollups/{Year}", $"{d}/org-units/{district.Tenant}/rollups/{Year}/breakdown?indicator=1.1",
            $"{d}/org-units/{district.Tenant}/completeness/{Year}", $"{d}/org-units/{district.Tenant}/table/{Year}",
            $"{d}/org-units/{district.Tenant}/comparisons/{Year}", $"{d}/audit", $"{d}/upstream", $"{d}/upstream/{Year}",
        };
        var cityKeys = new Dictionary<string, string>
        {
            ["viewer"] = levels.CityViewer,
            ["reviewer"] = levels.CityReviewer,
            ["tenant-admin"] = (await _data.KeyAsync(levels.City, levels.City, "tenant-admin")).Key,
            ["reporter of the district's unit"] = levels.UpstreamKey,
        };
        foreach (var (role, key) in cityKeys)
        {
            var city = CityClient(key);
            foreach (var path in reads)
            {
                var response = await city.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{role} of the city read {path}: {(int)response.StatusCode} {body}");
                Assert.DoesNotContain("\"values\"", body);
                Assert.DoesNotContain("keyPrefix", body);
            }
            // Nor write: the district's link stays, nothing is handed up in its name.
            foreach (var response in new[]
                     {
                         await city.DeleteAsync($"{d}/upstream"),
                         await city.PostAsJsonAsync($"{d}/upstream/{Year}/submissions", new { }),
                         await city.PutAsJsonAsync($"{d}/upstream", new { url = (string?)null, tenant = levels.City, orgUnit = levels.DistrictUnit, key = levels.UpstreamKey }),
                         await city.PostAsJsonAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions/1/return", new { comment = "x" }),
                     })
                Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound,
                    $"{role} of the city: {response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {(int)response.StatusCode}");
        }
        var link = await ReadAsync(await Client(district, "tenant-admin@root").GetAsync(UpstreamPath(district)), HttpStatusCode.OK);
        Assert.Equal(levels.City, link.GetProperty("tenant").GetString());
        var status = await StatusAsync(district);
        Assert.Equal("submitted", status.GetProperty("lastAttempt").GetProperty("state").GetString());

        // What the city does read: the version handed up, with its source, and its own rollup of it.
        var handedUp = await ReadAsync(await CityClient(levels.CityViewer).GetAsync(TestData.ReportPath(levels.City, levels.DistrictUnit)), HttpStatusCode.OK);
        Assert.Equal(district.Tenant, handedUp.GetProperty("source").GetProperty("tenant").GetString());
        Assert.Equal("西城区", handedUp.GetProperty("source").GetProperty("name").GetString());
        Assert.Equal(975m * 2, handedUp.GetProperty("values").GetProperty("1.1").GetDecimal());
        // The source names the district's units that were missing, never their figures.
        Assert.Equal(0, handedUp.GetProperty("source").GetProperty("completeness").GetProperty("missing").GetArrayLength());
        Assert.False(handedUp.GetProperty("source").TryGetProperty("values", out _));
    }
}
