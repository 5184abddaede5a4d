using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests.Quality;

/// <summary>
/// The quality answer comes in pages (limit, next): a reader that follows next gets every flag exactly once, in
/// the order of the unpaged answer; each page has an ETag of its own; a malformed limit or next is a 400 naming it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class QualityPagingTests(ApiFixture api)
{
    private const int Units = 6;
    private readonly TestData _data = new(api);

    private static string QualityPath(string tenant, string org, int year = SeedReport.Year) =>
        $"/api/v1/tenants/{tenant}/org-units/{org}/quality/{year}";

    /// <summary>Six sub-districts whose 2.2.3, 9.3 and 1.1.2 went up tenfold since 2016: 18 swings. A viewer key of the district.</summary>
    private async Task<(string Tenant, HttpClient Viewer)> DistrictWithEighteenSwingsAsync()
    {
        var tenant = await _data.TenantAsync();
        var admin = api.Client((await _data.KeyAsync(tenant, tenant, "tenant-admin")).Key);
        for (var i = 0; i < Units; i++)
        {
            var unit = await _data.OrgUnitAsync(tenant, name: $"第{i + 1}街道");
            foreach (var (year, factor) in new[] { (2016, 1), (SeedReport.Year, 10) })
            {
                var report = TestData.ReportFor().With("2.2.3", 30 * factor).With("9.3", 10 * factor).With("1.1.2", 7 * factor);
                await (await TestData.PostReportAsync(admin, tenant, unit, report, year)).ShouldHaveStatus(HttpStatusCode.Created);
            }
        }
        // The rollups those reports and units queued store new figure generations, and every ETag moves with them: the
        // pages are read once the figures of both years stand (the units' rollups wait until the tree is quiet).
        var tree = api.Factory.Services.GetRequiredService<Aggregator.Jobs.Rollups.TreeChanges>();
        var quiet = DateTime.UtcNow.AddSeconds(40);
        while (tree.Waiting > 0 && DateTime.UtcNow < quiet) await Task.Delay(50);
        var rows = new Rollups.ReportRows(api);
        var tenantId = await rows.TenantIdAsync(tenant);
        await rows.WaitForFiguresAsync(tenantId, 2016);
        await rows.WaitForFiguresAsync(tenantId, SeedReport.Year);
        return (tenant, api.Client((await _data.KeyAsync(tenant, tenant, "viewer")).Key));
    }

    private static string Key(JsonElement flag) =>
        $"{flag.GetProperty("orgUnit").GetString()}|{flag.GetProperty("indicator").GetString()}|{flag.GetProperty("kind").GetString()}|{flag.GetProperty("ruleId")}";

    [Fact]
    public async Task Should_give_every_flag_exactly_once_to_a_reader_that_follows_next()
    {
        var (tenant, viewer) = await DistrictWithEighteenSwingsAsync();
        var whole = await viewer.GetFromJsonAsync<JsonElement>(QualityPath(tenant, tenant) + "?limit=1000");
        var everyFlag = whole.GetProperty("flags").EnumerateArray().Select(Key).ToList();

        var paged = new List<string>();
        var pages = new List<int>();
        var etags = new List<string>();
        string? next = null;
        do
        {
            using var response = await viewer.GetAsync(QualityPath(tenant, tenant) + "?limit=4" + (next is null ? "" : $"&next={Uri.EscapeDataString(next)}"));
            await response.ShouldHaveStatus(HttpStatusCode.OK);
            etags.Add(response.Headers.ETag!.ToString());
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(18, page.GetProperty("total").GetInt32());
            Assert.Equal(Units, page.GetProperty("units").GetInt32());
            var flags = page.GetProperty("flags").EnumerateArray().Select(Key).ToList();
            paged.AddRange(flags);
            pages.Add(flags.Count);
            next = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        } while (next is not null && pages.Count < 20);

        Assert.Equal(18, everyFlag.Count);
        Assert.Equal(18, everyFlag.Distinct().Count());
        Assert.All(whole.GetProperty("flags").EnumerateArray(), flag => Assert.Equal("swing", flag.GetProperty("kind").GetString()));
        Assert.Equal(JsonValueKind.Null, whole.GetProperty("next").ValueKind);
        Assert.Equal([4, 4, 4, 4, 2], pages);
        Assert.Equal(everyFlag, paged);
        Assert.Equal(pages.Count, etags.Distinct().Count());
    }

    [Fact]
    public async Task Should_give_each_page_an_etag_of_its_own()
    {
        var (tenant, viewer) = await DistrictWithEighteenSwingsAsync();
        var first = QualityPath(tenant, tenant) + "?limit=5";
        using var firstPage = await viewer.GetAsync(first);
        var next = (await firstPage.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("next").GetString()!;
        var second = $"{first}&next={Uri.EscapeDataString(next)}";
        using var secondPage = await viewer.GetAsync(second);

        async Task<HttpResponseMessage> WithTagAsync(string path, EntityTagHeaderValue tag)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.IfNoneMatch.Add(tag);
            return await viewer.SendAsync(request);
        }
        using var secondWithFirstTag = await WithTagAsync(second, firstPage.Headers.ETag!);
        using var firstWithItsTag = await WithTagAsync(first, firstPage.Headers.ETag!);
        using var secondWithItsTag = await WithTagAsync(second, secondPage.Headers.ETag!);

        await firstPage.ShouldHaveStatus(HttpStatusCode.OK);
        await secondPage.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.NotEqual(firstPage.Headers.ETag, secondPage.Headers.ETag);
        await secondWithFirstTag.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(5, (await secondWithFirstTag.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("flags").GetArrayLength());
        await firstWithItsTag.ShouldHaveStatus(HttpStatusCode.NotModified);
        await secondWithItsTag.ShouldHaveStatus(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task Should_answer_200_flags_by_default()
    {
        var (tenant, viewer) = await DistrictWithEighteenSwingsAsync();

        var page = await viewer.GetFromJsonAsync<JsonElement>(QualityPath(tenant, tenant));

        Assert.Equal(18, page.GetProperty("flags").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "?limit=0", "limit" },
        { "?limit=1001", "limit" },
        { "?limit=-5", "limit" },
        { "?limit=abc", "limit" },
        { "?limit=99999999999", "limit" },
        { "?next=%21%21%21", "next" },
        { "?next=abc", "next" },
        // base64url of ["x",2017,"a",1,"1.1",0,""]: well formed, but about another unit.
        { "?next=WyJ4IiwyMDE3LCJhIiwxLCIxLjEiLDAsIiJd", "next" },
        // base64url of [1,2,3]: not a place.
        { "?next=WzEsMiwzXQ", "next" },
        { $"?next={new string('A', 1004)}", "next" },
        { "?next=WyJ4Ig%00", "next" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Should_refuse_a_malformed_limit_or_next_with_400_naming_it(string query, string field)
    {
        var tenant = await _data.TenantAsync();
        var viewer = api.Client((await _data.KeyAsync(tenant, tenant, "viewer")).Key);

        using var response = await viewer.GetAsync(QualityPath(tenant, tenant) + query);

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        var names = problem.GetProperty("errors").EnumerateArray().Select(error => error.GetProperty("name").GetString()).ToList();
        Assert.Equal([field], names.Distinct());
    }

    [Fact]
    public async Task Should_refuse_the_next_of_another_year_or_unit()
    {
        var (tenant, viewer) = await DistrictWithEighteenSwingsAsync();
        var next = (await viewer.GetFromJsonAsync<JsonElement>(QualityPath(tenant, tenant) + "?limit=1")).GetProperty("next").GetString()!;

        using var otherYear = await viewer.GetAsync(QualityPath(tenant, tenant, 2016) + $"?next={Uri.EscapeDataString(next)}");
        using var sameYear = await viewer.GetAsync(QualityPath(tenant, tenant) + $"?limit=1&next={Uri.EscapeDataString(next)}");

        await otherYear.ShouldBeProblem(HttpStatusCode.BadRequest);
        await sameYear.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(1, (await sameYear.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("flags").GetArrayLength());
    }
}
