using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Generations;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>
/// Figure reads answered from this replica's memory: the generations of every (tenant, year), kept current by
/// LISTEN/NOTIFY and a poll, decide the ETag, and an unchanged answer is sent again (200) or revalidated (304)
/// without a database command; never across tenants or scopes; and another replica sees a write within a second.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class FigureGenerationTests(ApiFixture api)
{
    private const int Year = 2017;
    private const string Template = "bj-gip-2017";
    private readonly ReportRows _rows = new(api);
    private readonly TestData _data = new(api);

    private static string RollupPath(string tenant, string org) => $"/api/v1/tenants/{tenant}/org-units/{org}/rollups/{Year}";
    private static string TablePath(string tenant, string org) => $"/api/v1/tenants/{tenant}/org-units/{org}/table/{Year}?indicators=3.1,1.1";

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? ifNoneMatch = null, string? traceId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        if (traceId is not null) request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        return await client.SendAsync(request);
    }

    private static decimal Value(JsonElement rollup, string code) => rollup.GetProperty("values").GetProperty(code).GetProperty("value").GetDecimal();

    /// <summary>A district whose sub-district A reported 3.1 = 3 and whose figures are computed and heard of.</summary>
    private async Task<(District District, Guid TenantId, ReportRows.Unit A)> DistrictWithFiguresAsync()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        await _rows.StoreAsync(tenantId, a.Id, Year, Template, new Dictionary<string, decimal?> { ["3.1"] = 3 });
        await _rows.WaitForFiguresAsync(tenantId, Year);
        return (district, tenantId, a);
    }

    /// <summary>Counts the database commands run under one trace (a request sent with that traceparent).</summary>
    private sealed class DatabaseCommands : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentDictionary<ActivityTraceId, int> _commands = new();

        public DatabaseCommands()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (activity.Source.Name == "Npgsql") _commands.AddOrUpdate(activity.TraceId, 1, (_, count) => count + 1);
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public int Of(string traceId) => _commands.GetValueOrDefault(ActivityTraceId.CreateFromString(traceId));

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task Should_answer_an_unchanged_rollup_and_table_200_and_304_from_memory_without_a_database_command()
    {
        var (district, _, _) = await DistrictWithFiguresAsync();
        var viewer = api.Client(district.Keys["viewer@root"]);
        using var commands = new DatabaseCommands();

        foreach (var path in new[] { RollupPath(district.Tenant, district.Tenant), TablePath(district.Tenant, district.Tenant) })
        {
            // The first read goes to the database (the control: commands are counted) and keeps the answer.
            var cold = ActivityTraceId.CreateRandom().ToHexString();
            using var first = await GetAsync(viewer, path, traceId: cold);
            await first.ShouldHaveStatus(HttpStatusCode.OK);
            var etag = first.Headers.ETag?.ToString() ?? throw new Xunit.Sdk.XunitException("no ETag");
            var body = await first.Content.ReadAsStringAsync();
            Assert.True(commands.Of(cold) > 0, $"the first read of {path} ran no database command that was counted");

            var again = ActivityTraceId.CreateRandom().ToHexString();
            using var second = await GetAsync(viewer, path, traceId: again);
            await second.ShouldHaveStatus(HttpStatusCode.OK);
            Assert.Equal(etag, second.Headers.ETag?.ToString());
            Assert.Equal(body, await second.Content.ReadAsStringAsync());
            Assert.Equal(0, commands.Of(again));

            var revalidated = ActivityTraceId.CreateRandom().ToHexString();
            using var notModified = await GetAsync(viewer, path, etag, traceId: revalidated);
            await notModified.ShouldHaveStatus(HttpStatusCode.NotModified);
            Assert.Equal(etag, notModified.Headers.ETag?.ToString());
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
            Assert.Equal(0, commands.Of(revalidated));
        }
        using var rollup = await GetAsync(viewer, RollupPath(district.Tenant, district.Tenant));
        Assert.Equal(3m, Value(await rollup.Content.ReadFromJsonAsync<JsonElement>(), "3.1"));
    }

    [Fact]
    public async Task Should_never_answer_a_foreign_tenants_key_or_a_key_of_a_unit_below_from_another_callers_memory()
    {
        var (district, _, _) = await DistrictWithFiguresAsync();
        var other = await _data.DistrictAsync();
        var path = RollupPath(district.Tenant, district.Tenant);
        using var kept = await GetAsync(api.Client(district.Keys["viewer@root"]), path);
        await kept.ShouldHaveStatus(HttpStatusCode.OK);
        var etag = kept.Headers.ETag!.ToString();
        using var keptAgain = await GetAsync(api.Client(district.Keys["viewer@root"]), path, etag);
        await keptAgain.ShouldHaveStatus(HttpStatusCode.NotModified);

        foreach (var (key, ifNoneMatch) in new[] { (other.Keys["viewer@root"], etag), (other.Keys["viewer@root"], "*"),
                     (district.Keys["viewer@a"], etag), (district.Keys["viewer@a"], "*") })
        {
            using var refused = await GetAsync(api.Client(key), path, ifNoneMatch);
            await refused.ShouldHaveStatus(HttpStatusCode.NotFound);
            Assert.DoesNotContain("\"values\"", await refused.Content.ReadAsStringAsync());
        }
        foreach (var path2 in new[] { TablePath(district.Tenant, district.Tenant) })
        {
            using var table = await GetAsync(api.Client(district.Keys["viewer@root"]), path2);
            await table.ShouldHaveStatus(HttpStatusCode.OK);
            using var below = await GetAsync(api.Client(district.Keys["viewer@a"]), path2, "*");
            await below.ShouldHaveStatus(HttpStatusCode.NotFound);
        }
        // A reporter of the tenant may not read consolidated figures, whatever is kept.
        using var reporter = await GetAsync(api.Client(district.Keys["reporter@root"]), path, etag);
        await reporter.ShouldHaveStatus(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Should_show_a_write_through_one_replica_in_the_next_read_of_another_within_a_second()
    {
        var (district, tenantId, a) = await DistrictWithFiguresAsync();
        await using var replica = api.Replica(_ => { });
        var viewer = replica.CreateClient();
        viewer.DefaultRequestHeaders.Add("X-Api-Key", district.Keys["viewer@root"]);
        await _rows.WaitForGenerationsAsync(tenantId, Year, replica.Services);
        using var before = await GetAsync(viewer, RollupPath(district.Tenant, district.Tenant));
        await before.ShouldHaveStatus(HttpStatusCode.OK);
        var etag = before.Headers.ETag!.ToString();
        using (var kept = await GetAsync(viewer, RollupPath(district.Tenant, district.Tenant), etag))
            await kept.ShouldHaveStatus(HttpStatusCode.NotModified);

        // A version through the first API: the replica's answer turns stale within a second, then shows the new figures.
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 907)))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var written = Stopwatch.StartNew();
        var changed = await ReadUntilAsync(viewer, district, etag, _ => true, TimeSpan.FromSeconds(1));
        Assert.True(changed.Stale || Value(changed.Body, "1.1") == 907m, "the replica's next answer after the write shows neither staleness nor the write");
        Assert.True(written.Elapsed < TimeSpan.FromSeconds(1), $"seen after {written.Elapsed}");

        await _rows.WaitForFiguresAsync(tenantId, Year);
        // The job may have stored the new figures before the replica heard of the change at all: then the first answer
        // that moved is already the computed one, and it stays (304) once the replica holds the database's generations.
        // Until then its token may move once more over the same figures: it takes a stored generation from the job's
        // announcement at once, and which pending changes those figures consumed from the refresh of the year after it.
        if (!changed.Stale)
        {
            Assert.Equal(907m, Value(changed.Body, "1.1"));
            await _rows.WaitForGenerationsAsync(tenantId, Year, replica.Services);
            var etagNow = changed.ETag;
            using (var settled = await GetAsync(viewer, RollupPath(district.Tenant, district.Tenant), changed.ETag))
            {
                if (settled.StatusCode != HttpStatusCode.NotModified)
                {
                    await settled.ShouldHaveStatus(HttpStatusCode.OK);
                    var body = await settled.Content.ReadFromJsonAsync<JsonElement>();
                    Assert.False(body.GetProperty("stale").GetBoolean());
                    Assert.Equal(907m, Value(body, "1.1"));
                    etagNow = settled.Headers.ETag!.ToString();
                }
            }
            using var same = await GetAsync(viewer, RollupPath(district.Tenant, district.Tenant), etagNow);
            await same.ShouldHaveStatus(HttpStatusCode.NotModified);
            return;
        }
        var computed = Stopwatch.StartNew();
        var fresh = await ReadUntilAsync(viewer, district, changed.ETag, body => !body.GetProperty("stale").GetBoolean(), TimeSpan.FromSeconds(1));
        Assert.Equal(907m, Value(fresh.Body, "1.1"));
        Assert.True(computed.Elapsed < TimeSpan.FromSeconds(1), $"computed figures seen after {computed.Elapsed}");
    }

    [Fact]
    public async Task Should_show_a_new_unit_through_another_replica_within_a_second_although_its_rollup_waits()
    {
        var (district, tenantId, _) = await DistrictWithFiguresAsync();
        await using var replica = api.Replica(_ => { });
        var viewer = replica.CreateClient();
        viewer.DefaultRequestHeaders.Add("X-Api-Key", district.Keys["viewer@root"]);
        await _rows.WaitForGenerationsAsync(tenantId, Year, replica.Services);
        using var before = await GetAsync(viewer, RollupPath(district.Tenant, district.Tenant));
        await before.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.False((await before.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stale").GetBoolean());

        // A unit created through the first API: its rollup waits until the tree is quiet, but the change is announced
        // at once, so the replica's answer turns stale (a unit more is expected) within a second.
        await _data.OrgUnitAsync(district.Tenant, name: "白纸坊街道");
        var created = Stopwatch.StartNew();
        var changed = await ReadUntilAsync(viewer, district, before.Headers.ETag!.ToString(), _ => true, TimeSpan.FromSeconds(1));
        Assert.True(changed.Stale, "the replica's next answer after the new unit is not stale");
        Assert.True(created.Elapsed < TimeSpan.FromSeconds(1), $"seen after {created.Elapsed}");
    }

    [Fact]
    public async Task Should_catch_up_by_polling_within_five_seconds_where_notifications_do_not_arrive()
    {
        var (district, _, _) = await DistrictWithFiguresAsync();
        await using var replica = api.Replica(services => services.PostConfigure<FigureOptions>(options => options.Listen = false));
        var viewer = replica.CreateClient();
        viewer.DefaultRequestHeaders.Add("X-Api-Key", district.Keys["viewer@root"]);
        var generations = replica.Services.GetRequiredService<FigureGenerations>();
        var loaded = Stopwatch.StartNew();
        while (!generations.Loaded && loaded.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10);

        using var before = await GetAsync(viewer, RollupPath(district.Tenant, district.Tenant));
        await before.ShouldHaveStatus(HttpStatusCode.OK);
        var etag = before.Headers.ETag!.ToString();

        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 909)))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var written = Stopwatch.StartNew();
        var changed = await ReadUntilAsync(viewer, district, etag, _ => true, TimeSpan.FromSeconds(6));
        Assert.True(written.Elapsed <= TimeSpan.FromSeconds(5.5), $"the poll caught up after {written.Elapsed}");
        Assert.True(changed.Stale || Value(changed.Body, "1.1") == 909m);
    }

    [Theory]
    [InlineData("\"unterminated")]
    [InlineData("W/")]
    [InlineData(",,,")]
    [InlineData("not-a-tag")]
    public async Task Should_answer_the_figures_to_an_If_None_Match_that_does_not_parse(string ifNoneMatch)
    {
        var (district, _, _) = await DistrictWithFiguresAsync();
        var viewer = api.Client(district.Keys["viewer@root"]);
        foreach (var _ in new[] { "from the database", "from memory" })
        {
            using var response = await GetAsync(viewer, RollupPath(district.Tenant, district.Tenant), ifNoneMatch);
            await response.ShouldHaveStatus(HttpStatusCode.OK);
            Assert.Equal(3m, Value(await response.Content.ReadFromJsonAsync<JsonElement>(), "3.1"));
        }
        // A list of many tags, the right one last, still matches.
        using var first = await GetAsync(viewer, RollupPath(district.Tenant, district.Tenant));
        var etag = first.Headers.ETag!.ToString();
        var many = string.Join(", ", Enumerable.Range(0, 200).Select(i => $"\"x{i}\"")) + ", " + etag;
        using var matched = await GetAsync(viewer, RollupPath(district.Tenant, district.Tenant), many);
        await matched.ShouldHaveStatus(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task Should_read_every_generation_anew_within_five_seconds_while_listening_too()
    {
        // Behind a pooler LISTEN may be accepted and never hear anything: the poll runs whether or not it listens.
        var generations = api.Factory.Services.GetRequiredService<FigureGenerations>();
        var before = generations.Reads;
        var clock = Stopwatch.StartNew();
        while (generations.Reads <= before && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
        Assert.True(generations.Reads > before, "no poll in 10 s");
        Assert.True(clock.Elapsed <= TimeSpan.FromSeconds(5.5), $"the poll came after {clock.Elapsed}");
    }

    private sealed record Answer(string ETag, JsonElement Body, bool Stale);

    /// <summary>Reads (If-None-Match: the old tag) until the answer is no longer 304 and passes <paramref name="until"/>.</summary>
    private static async Task<Answer> ReadUntilAsync(HttpClient viewer, District district, string oldETag, Func<JsonElement, bool> until, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var last = "nothing but 304";
        while (true)
        {
            using var response = await GetAsync(viewer, RollupPath(district.Tenant, district.Tenant), oldETag);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (until(body)) return new Answer(response.Headers.ETag!.ToString(), body, body.GetProperty("stale").GetBoolean());
                last = $"{response.Headers.ETag} stale={body.GetProperty("stale")} computedAt={body.GetProperty("computedAt")}";
            }
            else await response.ShouldHaveStatus(HttpStatusCode.NotModified);
            if (clock.Elapsed > within + TimeSpan.FromSeconds(2)) Assert.Fail($"the replica showed no change in {clock.Elapsed}; last answer: {last}");
            await Task.Delay(10);
        }
    }
}
