using System.Net;
using System.Net.Http.Json;
using Aggregator.Api.Tests.Infrastructure;
using Dapper;

namespace Aggregator.Api.Tests;

/// <summary>
/// report_values hold the figures of the version that counts, one row per indicator of its template. A new counted
/// version rewrites only the rows whose value differs (a one-figure correction writes one row), whether it counts on
/// receipt or when a reviewer accepts it; every row still equals the counted version afterwards, empty cells included.
/// Which rows were written is read from their xmin: the transaction that last wrote each row.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CountedValueRowsTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    private sealed record Row(string Indicator, string? Value, long Xmin);

    [Fact]
    public async Task Should_rewrite_only_the_rows_a_correction_changes_and_keep_every_row_equal_to_the_counted_version()
    {
        var (district, tenantId, reporter) = await FirstVersionAsync();
        var first = await RowsAsync(tenantId, district.SubDistrictA);
        var template = SeedReport.Catalog.Find(SeedReport.Template)!;
        Assert.Equal(template.Indicators.Select(i => i.Code).Order(StringComparer.Ordinal), first.Keys.Order(StringComparer.Ordinal));
        Assert.Null(first["7"].Value);   // the seed leaves the fees blank: a row holding null

        // One figure changed and the blank fee filled in: those two rows are written, no other.
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA,
            TestData.ReportFor().With("1.1", 976).With("7", 12.5m))).ShouldHaveStatus(HttpStatusCode.Created);
        var second = await RowsAsync(tenantId, district.SubDistrictA);
        Assert.Equal(["1.1", "7"], Rewritten(first, second));
        Assert.Equal("976", second["1.1"].Value);
        Assert.Equal("12.5", second["7"].Value);

        // The fee emptied again: its row stays, holding null (the rollups count a blank cell as a row).
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA,
            TestData.ReportFor().With("1.1", 976))).ShouldHaveStatus(HttpStatusCode.Created);
        var third = await RowsAsync(tenantId, district.SubDistrictA);
        Assert.Equal(["7"], Rewritten(second, third));
        Assert.Null(third["7"].Value);
        Assert.Equal(first.Count, third.Count);

        // The same figures as the version counted before (v2's): the rows are made v2's again, and equal what the
        // report's current version says.
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA,
            TestData.ReportFor().With("1.1", 976).With("7", 12.5m))).ShouldHaveStatus(HttpStatusCode.Created);
        var fourth = await RowsAsync(tenantId, district.SubDistrictA);
        Assert.Equal(["7"], Rewritten(third, fourth));
        Assert.Equal(second.ToDictionary(r => r.Key, r => r.Value.Value), fourth.ToDictionary(r => r.Key, r => r.Value.Value));
    }

    [Fact]
    public async Task Should_change_no_row_for_a_submitted_version_and_rewrite_only_what_differs_when_it_is_accepted()
    {
        var (district, tenantId, reporter) = await FirstVersionAsync();
        var counted = await RowsAsync(tenantId, district.SubDistrictA);
        await (await api.Client(district.Keys["tenant-admin@root"]).PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review = "required" }))
            .ShouldHaveStatus(HttpStatusCode.OK);

        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA,
            TestData.ReportFor().With("1.1", 977).With("7", 30))).ShouldHaveStatus(HttpStatusCode.Created);
        var submitted = await RowsAsync(tenantId, district.SubDistrictA);
        Assert.Empty(Rewritten(counted, submitted));

        await (await api.Client(district.Keys["reviewer@root"]).PostAsJsonAsync(
                $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions/2/accept", new { comment = "核对无误" }))
            .ShouldHaveStatus(HttpStatusCode.OK);
        var accepted = await RowsAsync(tenantId, district.SubDistrictA);
        Assert.Equal(["1.1", "7"], Rewritten(counted, accepted));
        Assert.Equal("977", accepted["1.1"].Value);
        Assert.Equal("30", accepted["7"].Value);
        Assert.Equal(counted.Count, accepted.Count);
    }

    [Fact]
    public async Task Should_leave_the_rows_equal_to_the_current_version_after_writers_of_one_report_race()
    {
        var (district, tenantId, reporter) = await FirstVersionAsync();

        // Twelve corrections at once, each of two figures, every one a different version: the report row orders them.
        var answers = await Task.WhenAll(Enumerable.Range(1, 12).Select(i => TestData.PostReportAsync(reporter, district.Tenant,
            district.SubDistrictA, TestData.ReportFor().With("1.1", 1000 + i).With("7", i % 3 == 0 ? null : i * 1.5m))));
        foreach (var answer in answers) await answer.ShouldHaveStatus(HttpStatusCode.Created);

        var current = await reporter.GetFromJsonAsync<System.Text.Json.JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal(13, current.GetProperty("version").GetInt32());
        var rows = await RowsAsync(tenantId, district.SubDistrictA);
        foreach (var value in current.GetProperty("values").EnumerateObject())
            Assert.Equal(value.Value.ValueKind == System.Text.Json.JsonValueKind.Null ? (decimal?)null : value.Value.GetDecimal(),
                rows[value.Name].Value is { } stored ? decimal.Parse(stored, System.Globalization.CultureInfo.InvariantCulture) : (decimal?)null);
        Assert.Equal(SeedReport.Catalog.Find(SeedReport.Template)!.Indicators.Count, rows.Count);
    }

    /// <summary>A district whose sub-district A has reported the seed (version 1, counted), and A's reporter.</summary>
    private async Task<(District District, Guid TenantId, HttpClient Reporter)> FirstVersionAsync()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        return (district, await _data.TenantIdAsync(district.Tenant), reporter);
    }

    /// <summary>The indicators whose row was written between the two reads.</summary>
    private static List<string> Rewritten(Dictionary<string, Row> before, Dictionary<string, Row> after) =>
        after.Values.Where(row => !before.TryGetValue(row.Indicator, out var old) || old.Xmin != row.Xmin)
            .Select(row => row.Indicator).Order(StringComparer.Ordinal).ToList();

    private async Task<Dictionary<string, Row>> RowsAsync(Guid tenantId, string orgCode)
    {
        const string sql = """
            SELECT v.indicator AS Indicator, v.value::text AS Value, v.xmin::text::bigint AS Xmin
            FROM report_values v JOIN org_units o ON o.tenant_id = v.tenant_id AND o.org_unit_id = v.org_unit_id
            WHERE v.tenant_id = @tenantId AND o.tenant_id = @tenantId AND o.code = @orgCode AND v.year = @year
            """;
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var rows = await db.QueryAsync<Row>(sql, new { tenantId, orgCode, year = SeedReport.Year });
        await db.CommitAsync();
        return rows.ToDictionary(row => row.Indicator);
    }
}
