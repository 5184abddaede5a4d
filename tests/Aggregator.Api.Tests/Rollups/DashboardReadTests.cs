using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>
/// Reads made for dashboards (issue 12): the table of several indicators by unit, series of several indicators,
/// CSV by Accept, and an ETag with 304 on every read of figures.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardReadTests(ApiFixture api)
{
    private const int Year = 2017;
    private const string Template = "bj-gip-2017";
    private const string CacheControl = "private, max-age=0, must-revalidate";
    private readonly ReportRows _rows = new(api);
    private readonly TestData _data = new(api);

    /// <summary>
    /// Root → A (with communities A1, A2 reporting) and B (reporting itself). Figures: A1 1.1=10 3.1=1, A2 1.1=20,
    /// B 1.1=5 3.1=4, and 2016 for B 1.1=2.
    /// </summary>
    private async Task<(District District, Guid TenantId, ReportRows.Unit A, ReportRows.Unit A1, ReportRows.Unit A2, ReportRows.Unit B)> WorldAsync()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        var b = await _rows.UnitAsync(tenantId, district.SubDistrictB);
        var a1 = await _rows.AddUnitAsync(tenantId, a, reports: true);
        var a2 = await _rows.AddUnitAsync(tenantId, a, reports: true);
        await _rows.StoreAsync(tenantId, a1.Id, Year, Template, new Dictionary<string, decimal?> { ["1.1"] = 10, ["3.1"] = 1 });
        await _rows.StoreAsync(tenantId, a2.Id, Year, Template, new Dictionary<string, decimal?> { ["1.1"] = 20 });
        await _rows.StoreAsync(tenantId, b.Id, Year, Template, new Dictionary<string, decimal?> { ["1.1"] = 5, ["3.1"] = 4 });
        await _rows.StoreAsync(tenantId, b.Id, Year - 1, Template, new Dictionary<string, decimal?> { ["1.1"] = 2 });
        await _rows.WaitForFiguresAsync(tenantId, Year);
        await _rows.WaitForFiguresAsync(tenantId, Year - 1);
        return (district, tenantId, a, a1, a2, b);
    }

    private static string Base(District district) => $"/api/v1/tenants/{district.Tenant}/org-units";

    private async Task<HttpResponseMessage> GetAsync(string key, string path, string? accept = null, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return await api.Client(key).SendAsync(request);
    }

    private static decimal?[] Numbers(JsonElement array) =>
        array.EnumerateArray().Select(value => value.ValueKind == JsonValueKind.Null ? (decimal?)null : value.GetDecimal()).ToArray();

    [Fact]
    public async Task Should_answer_the_children_of_a_unit_with_several_indicators_and_the_stored_total()
    {
        var (district, _, a, _, _, b) = await WorldAsync();
        var response = await GetAsync(district.Keys["viewer@root"], $"{Base(district)}/{district.Tenant}/table/{Year}?indicators=3.1,1.1");
        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var table = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(["3.1", "1.1"], table.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!));
        Assert.Equal("children", table.GetProperty("level").GetString());
        Assert.Equal(Template, table.GetProperty("template").GetString());
        var rows = table.GetProperty("rows").EnumerateArray().ToList();
        // Siblings by code: A and B were created in that order with increasing codes.
        Assert.Equal(new[] { a.Code, b.Code }.Order(StringComparer.Ordinal), rows.Select(r => r.GetProperty("orgUnit").GetString()!));
        var byCode = rows.ToDictionary(r => r.GetProperty("orgUnit").GetString()!, r => Numbers(r.GetProperty("values")));
        Assert.Equal([1m, 30m], byCode[a.Code]);   // A's stored rollup: 1 reporter of 3.1, 10 + 20
        Assert.Equal([4m, 5m], byCode[b.Code]);    // B's own report
        Assert.Equal([5m, 35m], Numbers(table.GetProperty("total")));
    }

    [Fact]
    public async Task Should_answer_every_leaf_below_a_unit_in_tree_order()
    {
        var (district, _, _, a1, a2, b) = await WorldAsync();
        var response = await GetAsync(district.Keys["viewer@root"], $"{Base(district)}/{district.Tenant}/table/{Year}?indicators=1.1,3.1&level=leaves");
        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var table = await response.Content.ReadFromJsonAsync<JsonElement>();
        var rows = table.GetProperty("rows").EnumerateArray()
            .Select(r => (Code: r.GetProperty("orgUnit").GetString()!, Values: Numbers(r.GetProperty("values")))).ToList();

        // Depth first: A's communities (by code), then B; A itself is not a leaf.
        var expected = new[] { a1.Code, a2.Code }.Order(StringComparer.Ordinal).Append(b.Code).ToList();
        if (string.CompareOrdinal(district.SubDistrictB, district.SubDistrictA) < 0) expected = [b.Code, .. expected.Take(2)];
        Assert.Equal(expected, rows.Select(r => r.Code));
        Assert.Equal([10m, 1m], rows.Single(r => r.Code == a1.Code).Values);
        Assert.Equal([20m, null], rows.Single(r => r.Code == a2.Code).Values);
        Assert.Equal([35m, 5m], Numbers(table.GetProperty("total")));
    }

    [Fact]
    public async Task Should_answer_the_table_as_csv_when_asked_and_refuse_what_it_cannot_answer()
    {
        var (district, _, a, _, _, b) = await WorldAsync();
        var path = $"{Base(district)}/{district.Tenant}/table/{Year}?indicators=1.1,3.1";
        var key = district.Keys["viewer@root"];

        var csv = await GetAsync(key, path, accept: "text/csv");
        await csv.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", csv.Headers.Vary);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("单位代码,单位名称,1.1,3.1", lines[0]);
        Assert.Contains($"{b.Code},广安门内街道,5,4", lines);
        Assert.Contains(lines, line => line.StartsWith($"{a.Code},", StringComparison.Ordinal) && line.EndsWith(",30,1", StringComparison.Ordinal));
        Assert.Equal($"{district.Tenant},合计,35,5", lines[^1]);

        // JSON when JSON is preferred, even with CSV also acceptable.
        var json = await GetAsync(key, path, accept: "application/json, text/csv;q=0.5");
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);

        var unknown = await GetAsync(key, $"{Base(district)}/{district.Tenant}/table/{Year}?indicators=1.1,9.99");
        Assert.Contains("9.99", (await unknown.ShouldBeProblem(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        await (await GetAsync(key, $"{Base(district)}/{district.Tenant}/table/{Year}?indicators=1.1,1.1")).ShouldBeProblem(HttpStatusCode.BadRequest);
        await (await GetAsync(key, $"{Base(district)}/{district.Tenant}/table/{Year}?indicators=1.1&level=all")).ShouldBeProblem(HttpStatusCode.BadRequest);
        await (await GetAsync(key, $"{Base(district)}/{district.Tenant}/table/{Year}")).ShouldBeProblem(HttpStatusCode.BadRequest);
        await (await GetAsync(key, $"{Base(district)}/{district.Tenant}/table/{Year}?indicators=,%20,")).ShouldBeProblem(HttpStatusCode.BadRequest);
        await (await GetAsync(key, $"{Base(district)}/{district.Tenant}/series?indicators=,")).ShouldBeProblem(HttpStatusCode.BadRequest);
        await (await GetAsync(key, $"{Base(district)}/{b.Code}/table/{Year}?indicators=1.1")).ShouldBeProblem(HttpStatusCode.NotFound);
        // A viewer of A sees A's table, not the district's.
        await (await GetAsync(district.Keys["viewer@a"], $"{Base(district)}/{district.Tenant}/table/{Year}?indicators=1.1")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await GetAsync(district.Keys["viewer@a"], $"{Base(district)}/{a.Code}/table/{Year}?indicators=1.1")).ShouldHaveStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_answer_several_indicators_over_the_years_and_keep_the_single_form()
    {
        var (district, _, _, _, _, b) = await WorldAsync();
        var key = district.Keys["viewer@root"];
        var several = await GetAsync(key, $"{Base(district)}/{district.Tenant}/series?indicators=1.1,3.1");
        await several.ShouldHaveStatus(HttpStatusCode.OK);
        var series = await several.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, series.GetProperty("indicator").ValueKind);
        var points = series.GetProperty("points").EnumerateArray().ToDictionary(p => p.GetProperty("year").GetInt32());
        Assert.Equal([2m, null], Numbers(points[Year - 1].GetProperty("values")));
        Assert.Equal([35m, 5m], Numbers(points[Year].GetProperty("values")));

        var one = await (await GetAsync(key, $"{Base(district)}/{district.Tenant}/series?indicator=1.1")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("1.1", one.GetProperty("indicator").GetString());
        var point = one.GetProperty("points").EnumerateArray().Single(p => p.GetProperty("year").GetInt32() == Year);
        Assert.Equal(35m, point.GetProperty("value").GetDecimal());
        Assert.Equal(3, point.GetProperty("reporters").GetInt32());

        // A unit without units below it: its own reports.
        var own = await (await GetAsync(key, $"{Base(district)}/{b.Code}/series?indicators=1.1,3.1")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("report", own.GetProperty("source").GetString());
        Assert.Equal([5m, 4m], Numbers(own.GetProperty("points").EnumerateArray().Single(p => p.GetProperty("year").GetInt32() == Year).GetProperty("values")));

        var csv = await GetAsync(key, $"{Base(district)}/{district.Tenant}/series?indicators=1.1,3.1&from={Year}", accept: "text/csv");
        var lines = Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("year,template,1.1,3.1,computedAt,stale", lines[0]);
        Assert.StartsWith($"{Year},{Template},35,5,", lines[1]);
        Assert.Equal(2, lines.Length);

        var both = await GetAsync(key, $"{Base(district)}/{district.Tenant}/series?indicator=1.1&indicators=3.1");
        await both.ShouldBeProblem(HttpStatusCode.BadRequest);
        var unknown = await GetAsync(key, $"{Base(district)}/{district.Tenant}/series?indicators=1.1,nope");
        var problem = await unknown.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Contains("'nope'", problem.GetProperty("detail").GetString());
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), error => error.GetProperty("name").GetString() == "indicators");
    }

    [Fact]
    public async Task Should_tag_every_read_of_figures_and_answer_304_until_the_figures_move()
    {
        var (district, tenantId, _, a1, _, _) = await WorldAsync();
        var key = district.Keys["viewer@root"];
        var root = $"{Base(district)}/{district.Tenant}";
        string[] reads =
        [
            $"{root}/rollups/{Year}", $"{root}/rollups/{Year}/breakdown?indicator=1.1", $"{root}/comparisons/{Year}",
            $"{root}/series?indicator=1.1", $"{root}/table/{Year}?indicators=1.1,3.1", $"{root}/completeness/{Year}",
        ];

        var tags = new Dictionary<string, string>();
        foreach (var path in reads)
        {
            var first = await GetAsync(key, path);
            await first.ShouldHaveStatus(HttpStatusCode.OK);
            Assert.Equal(CacheControl, first.Headers.NonValidated["Cache-Control"].ToString());
            var etag = first.Headers.ETag ?? throw new Xunit.Sdk.XunitException($"{path} answered no ETag.");
            Assert.False(etag.IsWeak);
            tags[path] = etag.Tag;

            var again = await GetAsync(key, path, ifNoneMatch: etag.Tag);
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
            Assert.Empty(await again.Content.ReadAsByteArrayAsync());
            Assert.Equal(etag.Tag, again.Headers.ETag?.Tag);
            // Another tag, or a weak form of this one (a proxy that compressed it), as RFC 9110 compares.
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(key, path, ifNoneMatch: "\"other\"")).StatusCode);
            Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(key, path, ifNoneMatch: "W/" + etag.Tag)).StatusCode);
        }
        // The CSV of the same table is another representation with a tag of its own.
        var csv = await GetAsync(key, $"{root}/table/{Year}?indicators=1.1,3.1", accept: "text/csv");
        await csv.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.NotNull(csv.Headers.ETag);
        Assert.NotEqual(tags[$"{root}/table/{Year}?indicators=1.1,3.1"], csv.Headers.ETag?.Tag);

        // New figures: every tag moves, and the old one no longer answers 304.
        await _rows.StoreAsync(tenantId, a1.Id, Year, Template, new Dictionary<string, decimal?> { ["1.1"] = 11, ["3.1"] = 1 });
        await _rows.WaitForFiguresAsync(tenantId, Year);
        foreach (var path in reads)
        {
            var after = await GetAsync(key, path, ifNoneMatch: tags[path]);
            Assert.True(after.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)after.StatusCode} to the tag of figures that moved.");
            Assert.NotEqual(tags[path], after.Headers.ETag?.Tag);
        }
    }
}
