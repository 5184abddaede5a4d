using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>History, diffs and who has reported.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReportReadingTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_show_the_history_newest_first_and_what_changed_between_versions()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var path = TestData.ReportPath(district.Tenant, district.SubDistrictA);
        await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor());
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("9.3", 60).With("7", 0)))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var history = await reporter.GetFromJsonAsync<JsonElement>($"{path}/versions");
        var diff = await reporter.GetFromJsonAsync<JsonElement>($"{path}/versions/2/diff?against=1");

        Assert.Equal([2, 1], history.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("version").GetInt32()));
        var changed = diff.GetProperty("changed").EnumerateArray().ToDictionary(c => c.GetProperty("code").GetString()!, c => c.GetProperty("to").GetRawText());
        Assert.Equal(new Dictionary<string, string> { ["7"] = "0", ["9.3"] = "60" }, changed);
        Assert.Empty(diff.GetProperty("added").EnumerateArray());
        Assert.Empty(diff.GetProperty("removed").EnumerateArray());
    }

    [Fact]
    public async Task Should_list_who_reported_within_the_callers_scope()
    {
        var district = await _data.DistrictAsync();
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictA, TestData.ReportFor());
        await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictB, TestData.ReportFor());
        await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictB, TestData.ReportFor().With("9.3", 60));

        var byViewer = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/reports?year=2017");
        var byReporter = await api.Client(district.Keys["reporter@a"]).GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/reports");
        var paged = await api.Client(district.Keys["reviewer@root"]).GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/reports?page=2&pageSize=1");

        var units = byViewer.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("orgUnit").GetString()!, i => i.GetProperty("version").GetInt32());
        Assert.Equal(new Dictionary<string, int> { [district.SubDistrictA] = 1, [district.SubDistrictB] = 2 }, units);
        Assert.Equal([district.SubDistrictA], byReporter.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("orgUnit").GetString()));
        Assert.Equal(2, paged.GetProperty("total").GetInt64());
        Assert.Single(paged.GetProperty("items").EnumerateArray());
    }
}
