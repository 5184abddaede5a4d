using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Domain.Templates;
using Aggregator.Jobs.Rollups;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>
/// Rollup reads answered from the cache of serialized answers, keyed by the figures' generation: the ETag and
/// the body move together with the stored figures and their staleness, and the scope check never is skipped.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RollupReadCacheTests(ApiFixture api)
{
    private const int Year = 2017;
    private const string Template = "bj-gip-2017";
    private const string CacheControl = "private, max-age=0, must-revalidate";
    private readonly ReportRows _rows = new(api);
    private readonly TestData _data = new(api);

    private static string RollupPath(string tenant, string org) => $"/api/v1/tenants/{tenant}/org-units/{org}/rollups/{Year}";

    private async Task<HttpResponseMessage> ReadAsync(string key, string tenant, string org, string? ifNoneMatch = null, string? acceptEncoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, RollupPath(tenant, org));
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        return await api.Client(key).SendAsync(request);
    }

    private async Task<(string ETag, JsonElement Body)> ReadOkAsync(string key, string tenant, string org, string? ifNoneMatch = null)
    {
        var response = await ReadAsync(key, tenant, org, ifNoneMatch);
        await response.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(CacheControl, response.Headers.NonValidated["Cache-Control"].ToString());
        var etag = response.Headers.ETag ?? throw new Xunit.Sdk.XunitException("The rollup answered no ETag.");
        Assert.False(etag.IsWeak);
        return (etag.ToString(), await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static decimal Value(JsonElement rollup, string code) => rollup.GetProperty("values").GetProperty(code).GetProperty("value").GetDecimal();

    private RollupJob NewJob() =>
        new(api.TenantDb, api.Factory.Services.GetRequiredService<TemplateCatalog>(), NullLogger<RollupJob>.Instance);

    /// <summary>A district whose sub-district A reported 3.1 = 3 and whose figures are computed.</summary>
    private async Task<(District District, Guid TenantId, ReportRows.Unit A)> DistrictWithFiguresAsync()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        await _rows.StoreAsync(tenantId, a.Id, Year, Template, new Dictionary<string, decimal?> { ["3.1"] = 3 });
        await _rows.WaitForFiguresAsync(tenantId, Year);
        return (district, tenantId, a);
    }

    [Fact]
    public async Task Should_answer_a_stable_ETag_and_304_without_a_body_while_the_figures_are_unchanged()
    {
        var (district, _, _) = await DistrictWithFiguresAsync();
        var viewer = district.Keys["viewer@root"];

        var (first, firstBody) = await ReadOkAsync(viewer, district.Tenant, district.Tenant);
        var (second, secondBody) = await ReadOkAsync(viewer, district.Tenant, district.Tenant);
        Assert.Equal(first, second);
        Assert.Equal(firstBody.GetRawText(), secondBody.GetRawText());
        Assert.Equal(3m, Value(secondBody, "3.1"));

        foreach (var ifNoneMatch in new[] { first, $"W/{first}", $"\"other\", {first}", "*" })
        {
            var notModified = await ReadAsync(viewer, district.Tenant, district.Tenant, ifNoneMatch);
            await notModified.ShouldHaveStatus(HttpStatusCode.NotModified);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
            Assert.Equal(first, notModified.Headers.ETag?.ToString());
            Assert.Equal(CacheControl, notModified.Headers.NonValidated["Cache-Control"].ToString());
        }

        var (other, _) = await ReadOkAsync(viewer, district.Tenant, district.Tenant, "\"r1-0-c-u1-00000000\"");
        Assert.Equal(first, other);
    }

    [Fact]
    public async Task Should_change_the_ETag_when_a_version_makes_the_figures_stale_and_again_when_a_run_includes_it()
    {
        var (district, tenantId, a) = await DistrictWithFiguresAsync();
        var viewer = district.Keys["viewer@root"];
        var (current, body) = await ReadOkAsync(viewer, district.Tenant, district.Tenant);
        Assert.False(body.GetProperty("stale").GetBoolean());

        // A version whose rollup has not run yet: its change is recorded (and heard), the stored figures are unchanged but stale.
        await _rows.StoreAsync(tenantId, a.Id, Year, Template, new Dictionary<string, decimal?> { ["3.1"] = 5 }, notify: false);
        await _rows.QueryAsync(tenantId, async db =>
        {
            await Aggregator.Data.FigureChanges.RecordAsync(db, tenantId, Year, Aggregator.Data.FigureChanges.Change);
            return 0;
        });
        await _rows.WaitForGenerationsAsync(tenantId, Year);
        var (stale, staleBody) = await ReadOkAsync(viewer, district.Tenant, district.Tenant, ifNoneMatch: current);
        Assert.NotEqual(current, stale);
        Assert.True(staleBody.GetProperty("stale").GetBoolean());
        Assert.Equal(3m, Value(staleBody, "3.1"));

        Assert.True(await NewJob().ExecuteAsync(tenantId, Year, force: false, CancellationToken.None));
        await _rows.WaitForGenerationsAsync(tenantId, Year);
        var (computed, computedBody) = await ReadOkAsync(viewer, district.Tenant, district.Tenant, ifNoneMatch: stale);
        Assert.NotEqual(stale, computed);
        Assert.NotEqual(current, computed);
        Assert.False(computedBody.GetProperty("stale").GetBoolean());
        Assert.Equal(5m, Value(computedBody, "3.1"));

        // A forced run with nothing new still replaces the rows: a new generation, the same figures.
        Assert.True(await NewJob().ExecuteAsync(tenantId, Year, force: true, CancellationToken.None));
        await _rows.WaitForGenerationsAsync(tenantId, Year);
        var (recomputed, recomputedBody) = await ReadOkAsync(viewer, district.Tenant, district.Tenant, ifNoneMatch: computed);
        Assert.NotEqual(computed, recomputed);
        Assert.Equal(5m, Value(recomputedBody, "3.1"));
    }

    [Fact]
    public async Task Should_answer_the_new_figures_under_a_new_ETag_once_a_posted_version_is_rolled_up()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var reporter = api.Client(district.Keys["reporter@a"]);
        var viewer = district.Keys["viewer@root"];
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 900)))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await _rows.WaitForFiguresAsync(tenantId, Year);
        var (before, beforeBody) = await ReadOkAsync(viewer, district.Tenant, district.Tenant);
        Assert.Equal(900m, Value(beforeBody, "1.1"));

        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 901)))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await _rows.WaitForFiguresAsync(tenantId, Year);

        var (after, afterBody) = await ReadOkAsync(viewer, district.Tenant, district.Tenant, ifNoneMatch: before);
        Assert.NotEqual(before, after);
        Assert.Equal(901m, Value(afterBody, "1.1"));
        Assert.False(afterBody.GetProperty("stale").GetBoolean());
    }

    [Fact]
    public async Task Should_check_the_callers_scope_on_every_read_even_when_the_answer_is_cached()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var streetOfB = await _data.OrgUnitAsync(district.Tenant, parent: district.SubDistrictB, name: "社区", kind: "other");
        var unit = await _rows.UnitAsync(tenantId, streetOfB);
        await _rows.StoreAsync(tenantId, unit.Id, Year, Template, new Dictionary<string, decimal?> { ["3.1"] = 8 });
        await _rows.WaitForFiguresAsync(tenantId, Year);

        // A root viewer warms the cache with B's figures.
        var (etagOfB, bodyOfB) = await ReadOkAsync(district.Keys["viewer@root"], district.Tenant, district.SubDistrictB);
        Assert.Equal(8m, Value(bodyOfB, "3.1"));

        // A viewer and a reviewer of sub-district A do not see B, cached or not, with or without its ETag.
        foreach (var key in new[] { "viewer@a", "reviewer@a" })
        {
            await (await ReadAsync(district.Keys[key], district.Tenant, district.SubDistrictB)).ShouldBeProblem(HttpStatusCode.NotFound);
            await (await ReadAsync(district.Keys[key], district.Tenant, district.SubDistrictB, etagOfB)).ShouldBeProblem(HttpStatusCode.NotFound);
        }
        // Reporters read no figures of other units.
        await (await ReadAsync(district.Keys["reporter@root"], district.Tenant, district.SubDistrictB, etagOfB)).ShouldBeProblem(HttpStatusCode.Forbidden);

        // A key of another tenant gets 404 for this tenant's figures.
        var other = await _data.DistrictAsync();
        await (await ReadAsync(other.Keys["viewer@root"], district.Tenant, district.SubDistrictB)).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await ReadAsync(other.Keys["viewer@root"], district.Tenant, district.SubDistrictB, etagOfB)).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await ReadAsync(other.Keys["viewer@root"], other.Tenant, district.SubDistrictB, etagOfB)).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_send_the_kept_answer_as_gzip_to_a_client_that_takes_it_and_unpacked_to_one_that_does_not()
    {
        var (district, _, _) = await DistrictWithFiguresAsync();
        var viewer = district.Keys["viewer@root"];

        // Read from the database first, by a client without Accept-Encoding: the answer as it is.
        var first = await ReadAsync(viewer, district.Tenant, district.Tenant);
        await first.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Empty(first.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", first.Headers.Vary);
        var plain = await first.Content.ReadAsByteArrayAsync();
        Assert.True(plain.Length >= 1024, $"the rollup is {plain.Length} bytes: too small to be kept compressed, the test shows nothing");
        Assert.Equal(plain.Length, first.Content.Headers.ContentLength);
        var tag = first.Headers.ETag!.ToString();

        // From memory, to a browser: the kept gzip bytes, under a tag of their own, which revalidates.
        var packed = await ReadAsync(viewer, district.Tenant, district.Tenant, acceptEncoding: "gzip, deflate, br, zstd");
        await packed.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(["gzip"], packed.Content.Headers.ContentEncoding);
        var gzipTag = packed.Headers.ETag!.ToString();
        Assert.NotEqual(tag, gzipTag);
        Assert.Matches("^\"z[0-9a-f]{32}\"$", gzipTag);
        Assert.Contains("Accept-Encoding", packed.Headers.Vary);
        var gzipBytes = await packed.Content.ReadAsByteArrayAsync();
        Assert.Equal(gzipBytes.Length, packed.Content.Headers.ContentLength);
        Assert.True(gzipBytes.Length < plain.Length / 2, $"{gzipBytes.Length} gzip bytes for {plain.Length}");
        Assert.Equal(plain, Gunzip(gzipBytes));
        await (await ReadAsync(viewer, district.Tenant, district.Tenant, gzipTag, "gzip")).ShouldHaveStatus(HttpStatusCode.NotModified);

        // From memory, to clients that do not take gzip: unpacked, under the plain tag; the gzip tag is another representation.
        foreach (var acceptEncoding in new string?[] { null, "identity", "br", "gzip;q=0, br", "*, gzip;q=0" })
        {
            var unpacked = await ReadAsync(viewer, district.Tenant, district.Tenant, gzipTag, acceptEncoding);
            await unpacked.ShouldHaveStatus(HttpStatusCode.OK);
            Assert.Empty(unpacked.Content.Headers.ContentEncoding);
            Assert.Equal(tag, unpacked.Headers.ETag!.ToString());
            Assert.Equal(plain.Length, unpacked.Content.Headers.ContentLength);
            Assert.Equal(plain, await unpacked.Content.ReadAsByteArrayAsync());
        }
        // "*" takes gzip; the plain tag does not revalidate the gzip bytes.
        var any = await ReadAsync(viewer, district.Tenant, district.Tenant, tag, "*");
        await any.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(plain, Gunzip(await any.Content.ReadAsByteArrayAsync()));

        // The first read of an answer (another role's), by a client that takes gzip: the bytes that are kept.
        var reviewer = district.Keys["reviewer@root"];
        var firstPacked = await ReadAsync(reviewer, district.Tenant, district.Tenant, acceptEncoding: "gzip");
        await firstPacked.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(["gzip"], firstPacked.Content.Headers.ContentEncoding);
        var read = Gunzip(await firstPacked.Content.ReadAsByteArrayAsync());
        Assert.Equal(3m, Value(JsonDocument.Parse(read).RootElement, "3.1"));
        var fromMemory = await ReadAsync(reviewer, district.Tenant, district.Tenant);
        Assert.Equal(read, await fromMemory.Content.ReadAsByteArrayAsync());
    }

    private static byte[] Gunzip(byte[] packed)
    {
        using var unpacked = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress)) gzip.CopyTo(unpacked);
        return unpacked.ToArray();
    }
}
