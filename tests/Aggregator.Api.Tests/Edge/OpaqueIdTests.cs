using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Api.Tests.Imports;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;
using Dapper;

namespace Aggregator.Api.Tests.Edge;

/// <summary>
/// No id or counter shared by all tenants reaches a client: audit entries and jobs have ids of their own, and ETags
/// are digests. A sequence shared by all tenants would tell each how busy the others are.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class OpaqueIdTests(ApiFixture api)
{
    private const int Year = SeedReport.Year;
    private readonly TestData _data = new(api);
    private readonly ReportRows _rows = new(api);

    [Fact]
    public async Task Should_give_audit_entries_random_ids_that_no_other_tenant_shares_a_counter_with()
    {
        var first = await _data.DistrictAsync();
        var second = await _data.DistrictAsync();
        // Entries of both tenants written in turn: with a shared counter their ids would interleave.
        for (var i = 0; i < 3; i++)
        {
            foreach (var district in new[] { first, second })
            {
                await (await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA,
                    TestData.ReportFor().With("1.1", 500 + i))).ShouldHaveStatus(HttpStatusCode.Created);
            }
        }

        var ids = new List<string>();
        foreach (var district in new[] { first, second })
        {
            var page = await api.Client(district.Keys["tenant-admin@root"])
                .GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/audit?unit={district.SubDistrictA}&year={Year}");
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(3, items.Count);
            foreach (var item in items)
            {
                Assert.Equal(JsonValueKind.String, item.GetProperty("id").ValueKind);
                ids.Add(item.GetProperty("id").GetString()!);
            }
        }

        Assert.All(ids, id => Assert.Matches(Uuid(), id));
        Assert.All(ids, id => Assert.False(long.TryParse(id, out _), $"{id} reads as a number"));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // Version 4 UUIDs: nothing in them counts.
        Assert.All(ids, id => Assert.Equal('4', id[14]));
    }

    [Fact]
    public async Task Should_name_a_recompute_job_by_a_random_id_of_its_tenant_and_hide_it_from_other_tenants()
    {
        var district = await _data.DistrictAsync();
        var other = await _data.DistrictAsync();
        var reviewer = api.Client(district.Keys["reviewer@root"]);

        var response = await reviewer.PostAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}/recompute", null);
        await response.ShouldHaveStatus(HttpStatusCode.Accepted);
        var jobId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
        var location = response.Headers.Location!.OriginalString;

        Assert.Matches(JobId(), jobId);
        Assert.Equal($"/api/v1/jobs/{jobId}", location);
        var job = await reviewer.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal(jobId, job.GetProperty("id").GetString());
        Assert.Equal("rollup", job.GetProperty("kind").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.Admin().GetAsync(location)).StatusCode);

        // Another tenant's key: as if there were no such job. Hangfire's own number of the job names nothing either.
        await (await api.Client(other.Keys["tenant-admin@root"]).GetAsync(location)).ShouldBeProblem(HttpStatusCode.NotFound);
        var hangfireId = await HangfireIdAsync(district.Tenant, jobId);
        Assert.NotEqual(jobId, hangfireId);
        await (await reviewer.GetAsync($"/api/v1/jobs/{hangfireId}")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await api.Admin().GetAsync($"/api/v1/jobs/{hangfireId}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-1")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    public async Task Should_answer_404_for_a_job_id_it_never_gave(string id)
    {
        var district = await _data.DistrictAsync();

        await (await api.Client(district.Keys["viewer@root"]).GetAsync($"/api/v1/jobs/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await api.Admin().GetAsync($"/api/v1/jobs/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_name_an_import_job_by_a_random_id_and_give_one_recompute_job_one_id()
    {
        var district = await _data.DistrictAsync();
        var admin = api.Client(district.Keys["tenant-admin@root"]);

        var import = await ImportCsv.SendAsync(admin, district.Tenant, new ImportCsv().Report(district.SubDistrictA, Year - 1).Bytes(), dryRun: true);
        await import.ShouldHaveStatus(HttpStatusCode.Accepted);
        var importJob = (await import.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
        Assert.Matches(JobId(), importJob);
        var finished = await ImportCsv.WaitAsync(admin, import.Headers.Location!.OriginalString);
        Assert.Equal("import", finished.GetProperty("kind").GetString());
        Assert.True(finished.GetProperty("result").GetProperty("dryRun").GetBoolean());

        // Requests while one recompute is still queued get that job, under one id.
        var reviewer = api.Client(district.Keys["reviewer@root"]);
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            reviewer.PostAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}/recompute", null)));
        var ids = new HashSet<string>();
        foreach (var answer in answers)
        {
            await answer.ShouldHaveStatus(HttpStatusCode.Accepted);
            ids.Add((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!);
        }
        Assert.All(ids, id => Assert.Matches(JobId(), id));
        Assert.DoesNotContain(importJob, ids);
        // One id per Hangfire job: as many distinct jobs behind the ids as there are ids.
        Assert.Equal(ids.Count, await HandleCountAsync(tenantId, ids));
    }

    [Fact]
    public async Task Should_write_every_etag_as_a_digest_without_the_units_internal_id()
    {
        var first = await _data.DistrictAsync();
        var second = await _data.DistrictAsync();
        var etags = new List<(string Tenant, string What, string ETag)>();
        foreach (var district in new[] { first, second })
        {
            var reporter = api.Client(district.Keys["reporter@a"]);
            var posted = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor());
            await posted.ShouldHaveStatus(HttpStatusCode.Created);
            etags.Add((district.Tenant, "version", posted.Headers.ETag!.Tag));
            await _rows.WaitForFiguresAsync(await _rows.TenantIdAsync(district.Tenant), Year);

            var viewer = api.Client(district.Keys["viewer@root"]);
            var rollupPath = $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}";
            var rollup = await viewer.GetAsync(rollupPath);
            await rollup.ShouldHaveStatus(HttpStatusCode.OK);
            etags.Add((district.Tenant, "rollup", rollup.Headers.ETag!.Tag));
            var completeness = await viewer.GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/completeness/{Year}");
            await completeness.ShouldHaveStatus(HttpStatusCode.OK);
            etags.Add((district.Tenant, "completeness", completeness.Headers.ETag!.Tag));

            // The digests still revalidate: 304 for the rollup's, 412 for a report's that is not current.
            using var conditional = new HttpRequestMessage(HttpMethod.Get, rollupPath);
            conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(rollup.Headers.ETag!.Tag));
            Assert.Equal(HttpStatusCode.NotModified, (await viewer.SendAsync(conditional)).StatusCode);
            var second2 = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 976),
                ifMatch: posted.Headers.ETag!.Tag);
            await second2.ShouldHaveStatus(HttpStatusCode.Created);
            var stale = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 977),
                ifMatch: posted.Headers.ETag!.Tag);
            var problem = await stale.ShouldBeProblem(HttpStatusCode.PreconditionFailed);
            Assert.Equal(second2.Headers.ETag!.Tag, problem.GetProperty("currentEtag").GetString());
        }

        foreach (var (tenant, what, etag) in etags)
        {
            Assert.Matches(Digest(), etag);
            var tenantId = await _rows.TenantIdAsync(tenant);
            foreach (var code in new[] { tenant, first.SubDistrictA, second.SubDistrictA })
            {
                var unit = await TryUnitIdAsync(tenantId, code);
                if (unit is { } id) Assert.DoesNotContain($"u{id}", etag, StringComparison.Ordinal);
            }
            Assert.DoesNotContain("-", etag, StringComparison.Ordinal);
            Assert.False(etag.StartsWith("\"v", StringComparison.Ordinal), $"{what}: {etag} starts with a version number");
        }
        // Equal figures of two tenants: the rollups' tags differ (the tenant is part of the digest), and neither counts.
        Assert.NotEqual(etags.Single(e => e.Tenant == first.Tenant && e.What == "rollup").ETag,
            etags.Single(e => e.Tenant == second.Tenant && e.What == "rollup").ETag);
    }

    private async Task<string> HangfireIdAsync(string tenant, string jobId)
    {
        var tenantId = await _rows.TenantIdAsync(tenant);
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var id = await db.QuerySingleAsync<string>("SELECT hangfire_job_id FROM job_handles WHERE tenant_id = @tenantId AND job_id = @jobId::uuid",
            new { tenantId, jobId });
        await db.CommitAsync();
        return id;
    }

    private async Task<int> HandleCountAsync(Guid tenantId, IEnumerable<string> ids)
    {
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var count = await db.QuerySingleAsync<int>(
            "SELECT count(DISTINCT hangfire_job_id)::int FROM job_handles WHERE tenant_id = @tenantId AND job_id = ANY(@ids::uuid[])",
            new { tenantId, ids = ids.ToArray() });
        await db.CommitAsync();
        return count;
    }

    private async Task<long?> TryUnitIdAsync(Guid tenantId, string code)
    {
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var id = await db.QuerySingleOrDefaultAsync<long?>("SELECT org_unit_id FROM org_units WHERE tenant_id = @tenantId AND code = @code",
            new { tenantId, code });
        await db.CommitAsync();
        return id;
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex Uuid();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex JobId();

    /// <summary>Every ETag: 32 hex digits of a digest, after at most a one-letter kind.</summary>
    [GeneratedRegex("^\"[a-z]?[0-9a-f]{32}\"$")]
    private static partial Regex Digest();
}
