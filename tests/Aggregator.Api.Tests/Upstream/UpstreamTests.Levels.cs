using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Domain.Templates;

namespace Aggregator.Api.Tests.Upstream;

/// <summary>Any depth, mixed trees: district → city → province, with a city department reporting to the city directly.</summary>
public sealed partial class UpstreamTests
{
    [Fact]
    public async Task Should_consolidate_a_district_and_a_city_department_up_to_the_province()
    {
        // The province: the city is one of its units.
        var province = await _data.TenantAsync("河北省");
        var cityInProvince = await _data.OrgUnitAsync(province, name: "石家庄市", kind: "city");
        var cityUpstreamKey = (await _data.KeyAsync(province, cityInProvince, "reporter")).Key;
        var provinceViewer = (await _data.KeyAsync(province, province, "viewer")).Key;
        // The city (review required): the district, and a department of its own beside it.
        var levels = await LevelsAsync();
        var district = levels.District;
        var department = await _data.OrgUnitAsync(levels.City, levels.City, name: "市统计局", kind: "department");
        var departmentReporter = (await _data.KeyAsync(levels.City, department, "reporter")).Key;
        var cityAdmin = CityClient((await _data.KeyAsync(levels.City, levels.City, "tenant-admin")).Key);
        var cityReviewer = CityClient(levels.CityReviewer);

        // The district hands its year up; the department reports to the city directly; the city accepts both.
        await LinkAsync(levels);
        await PostAsync(district, "reporter@a", district.SubDistrictA, TestData.ReportFor());
        await PostAsync(district, "reporter@a", district.SubDistrictB, TestData.ReportFor().With("1.1", 900), "tenant-admin@root");
        await WaitForFiguresAsync(district);
        await HandUpAsync(district, new { });
        await ReadAsync(await TestData.PostReportAsync(CityClient(departmentReporter), levels.City, department, TestData.ReportFor().With("1.1", 120)),
            HttpStatusCode.Created);
        // Before the city's review: its units await review, so the city may not hand up yet.
        await new Rollups.ReportRows(_api).WaitForFiguresAsync(await _data.TenantIdAsync(levels.City), Year);
        await ReadAsync(await cityAdmin.PutAsJsonAsync($"/api/v1/tenants/{levels.City}/upstream",
            new { url = (string?)null, tenant = province, orgUnit = cityInProvince, key = cityUpstreamKey }), HttpStatusCode.OK);
        var incomplete = await (await cityAdmin.PostAsJsonAsync($"/api/v1/tenants/{levels.City}/upstream/{Year}/submissions", new { }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("/problems/incomplete", incomplete.GetProperty("type").GetString());
        Assert.Equal(2, incomplete.GetProperty("awaitingReview").GetArrayLength());
        foreach (var unit in new[] { levels.DistrictUnit, department })
            await ReadAsync(await cityReviewer.PostAsJsonAsync($"{TestData.ReportPath(levels.City, unit)}/versions/1/accept", new { }), HttpStatusCode.OK);
        await new Rollups.ReportRows(_api).WaitForFiguresAsync(await _data.TenantIdAsync(levels.City), Year);

        // The city hands its consolidated year (the district's accepted figures and the department's) up to the province.
        await HandUpAsync(cityAdmin, levels.City, new { });
        await new Rollups.ReportRows(_api).WaitForFiguresAsync(await _data.TenantIdAsync(province), Year);

        var provinceClient = CityClient(provinceViewer);
        var handedUp = await ReadAsync(await provinceClient.GetAsync($"{TestData.ReportPath(province, cityInProvince)}/versions/1"), HttpStatusCode.OK);
        var source = handedUp.GetProperty("source");
        Assert.Equal(levels.City, source.GetProperty("tenant").GetString());
        Assert.Equal(2, source.GetProperty("completeness").GetProperty("expected").GetInt32());
        Assert.Equal(2, source.GetProperty("completeness").GetProperty("counted").GetInt32());

        var provinceRollup = await ReadAsync(await provinceClient.GetAsync($"/api/v1/tenants/{province}/org-units/{province}/rollups/{Year}"), HttpStatusCode.OK);
        var districtRollup = await ReadAsync(await Client(district, "viewer@root").GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}"), HttpStatusCode.OK);
        var departmentReport = await ReadAsync(await cityReviewer.GetAsync(TestData.ReportPath(levels.City, department)), HttpStatusCode.OK);
        Assert.False(provinceRollup.GetProperty("stale").GetBoolean());
        Assert.Equal(1, provinceRollup.GetProperty("completeness").GetProperty("reported").GetInt32());
        Assert.Equal(975m + 900m + 120m, provinceRollup.GetProperty("values").GetProperty("1.1").GetProperty("value").GetDecimal());

        // Every summable indicator: the province's figure is the district's consolidated one plus the department's.
        var template = SeedReport.Catalog.Find(SeedReport.Template)!;
        var summable = template.Indicators.Where(indicator => indicator.Aggregate == AggregateKind.Sum).Select(indicator => indicator.Code).ToList();
        var compared = 0;
        foreach (var code in summable)
        {
            decimal? districtValue = districtRollup.GetProperty("values").TryGetProperty(code, out var d) && d.GetProperty("value").ValueKind == JsonValueKind.Number
                ? d.GetProperty("value").GetDecimal() : null;
            decimal? departmentValue = departmentReport.GetProperty("values").TryGetProperty(code, out var v) && v.ValueKind == JsonValueKind.Number
                ? v.GetDecimal() : null;
            decimal? provinceValue = provinceRollup.GetProperty("values").TryGetProperty(code, out var p) && p.GetProperty("value").ValueKind == JsonValueKind.Number
                ? p.GetProperty("value").GetDecimal() : null;
            var expected = districtValue is null && departmentValue is null ? (decimal?)null : (districtValue ?? 0) + (departmentValue ?? 0);
            Assert.True(expected == provinceValue, $"{code}: the province holds {provinceValue}, the district {districtValue} and the department {departmentValue}");
            if (expected is not null) compared++;
        }
        Assert.True(compared > 10, $"only {compared} indicators compared");
    }
}
