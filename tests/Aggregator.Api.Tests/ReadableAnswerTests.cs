using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;

namespace Aggregator.Api.Tests;

/// <summary>Answers a person can read as they are: what matters first, in the official table's order, with names.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReadableAnswerTests(ApiFixture api)
{
    private readonly TestData _data = new(api);
    private readonly ReportRows _rows = new(api);

    [Fact]
    public async Task Should_validate_with_only_the_failing_rules_unless_every_rule_is_asked_for()
    {
        var values = TestData.ReportFor().With("3.1", 4).ToJson()["values"];

        var failing = await (await api.Admin().PostAsJsonAsync("/api/v1/templates/bj-gip-2017/validate", new { values }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var every = await (await api.Admin().PostAsJsonAsync("/api/v1/templates/bj-gip-2017/validate?all=true", new { values }))
            .Content.ReadFromJsonAsync<JsonElement>();

        var shown = failing.GetProperty("outcomes").EnumerateArray().ToList();
        Assert.Contains(shown, o => o.GetProperty("ruleId").GetString() == "sum:3.1");
        Assert.All(shown, o => Assert.Equal("failed", o.GetProperty("status").GetString()));
        var all = every.GetProperty("outcomes").EnumerateArray().ToList();
        Assert.True(all.Count > shown.Count, $"{all.Count} outcomes with all=true, {shown.Count} without");
        Assert.Contains(all, o => o.GetProperty("status").GetString() == "passed");
    }

    [Fact]
    public async Task Should_list_comparison_values_in_the_order_of_the_official_table()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var reporter = api.Client(district.Keys["reporter@a"]);
        foreach (var year in new[] { 2016, 2017 })
            await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor(), year))
                .ShouldHaveStatus(HttpStatusCode.Created);
        await _rows.WaitForFiguresAsync(tenantId, 2016);
        await _rows.WaitForFiguresAsync(tenantId, 2017);

        var body = await api.Client(district.Keys["viewer@root"])
            .GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/comparisons/2017");

        var codes = body.GetProperty("values").EnumerateObject().Select(p => p.Name).ToList();
        var templateOrder = SeedReport.Catalog.Find(SeedReport.Template)!.Indicators.Select(i => i.Code).Where(codes.Contains).ToList();
        Assert.Contains("1.2.10", codes);
        Assert.Equal(templateOrder, codes);
    }

    [Fact]
    public async Task Should_name_the_key_that_sent_each_version_beside_its_id()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var admin = api.Client(district.Keys["tenant-admin@root"]);

        var history = await admin.GetFromJsonAsync<JsonElement>($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions");
        var list = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/reports");

        var expected = $"reporter of {district.SubDistrictA}";
        var version = Assert.Single(history.GetProperty("items").EnumerateArray());
        Assert.Equal(expected, version.GetProperty("reportedByName").GetString());
        Assert.False(string.IsNullOrEmpty(version.GetProperty("reportedBy").GetString()));
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(expected, item.GetProperty("reportedByName").GetString());
        Assert.Equal(version.GetProperty("reportedBy").GetString(), item.GetProperty("reportedBy").GetString());
    }
}
