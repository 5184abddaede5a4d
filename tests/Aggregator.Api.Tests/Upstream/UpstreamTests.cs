using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;
using Aggregator.Domain.Templates;
using Dapper;

namespace Aggregator.Api.Tests.Upstream;

/// <summary>
/// 逐级上报 through the public API: a district (a tenant) holds a reporter key of its unit in the city (another tenant on
/// the same instance), hands its accepted consolidated year up, and follows what the city does with it.
/// </summary>
public sealed partial class UpstreamTests(UpstreamHost host) : IClassFixture<UpstreamHost>
{
    private const int Year = SeedReport.Year;
    private readonly ApiFixture _api = host.Api;
    private readonly TestData _data = new(host.Api);
    /// <summary>Every answer of every client of these tests (<see cref="AnswerRecorder"/>), searched for the upstream key.</summary>
    private readonly ConcurrentQueue<string> _answers = new();

    /// <summary>A city with the district as one of its units (review required there) and the district with two sub-districts.</summary>
    private sealed record Levels(string City, string DistrictUnit, string UpstreamKeyId, string UpstreamKey, string CityReviewer, string CityViewer,
        District District);

    [Fact]
    public async Task Should_hand_a_district_year_up_to_the_city_and_see_what_the_city_does_with_it()
    {
        var levels = await LevelsAsync();
        var district = levels.District;
        await LinkAsync(levels);

        var link = await ReadAsync(await Client(district, "tenant-admin@root").GetAsync(UpstreamPath(district)), HttpStatusCode.OK);
        Assert.Equal(levels.City, link.GetProperty("tenant").GetString());
        Assert.Equal(levels.DistrictUnit, link.GetProperty("orgUnit").GetString());
        Assert.Equal(JsonValueKind.Null, link.GetProperty("url").ValueKind);
        Assert.Equal(levels.UpstreamKey[..8], link.GetProperty("keyPrefix").GetString());
        Assert.False(link.TryGetProperty("key", out _));

        // Both sub-districts report (review off in the district: accepted on receipt).
        await PostAsync(district, "reporter@a", district.SubDistrictA, TestData.ReportFor());
        await PostAsync(district, "tenant-admin@root", district.SubDistrictB, TestData.ReportFor().With("1.1", 900));
        await WaitForFiguresAsync(district);

        // First hand-up: the city holds version 1, waiting for its reviewer, with its source.
        var first = await HandUpAsync(district, new { });
        Assert.Equal("Succeeded", first.GetProperty("state").GetString());
        Assert.Equal("upstream", first.GetProperty("kind").GetString());
        var cityVersion = await ReadAsync(await CityClient(levels.CityReviewer).GetAsync($"{TestData.ReportPath(levels.City, levels.DistrictUnit)}/versions/1"), HttpStatusCode.OK);
        Assert.Equal("submitted", cityVersion.GetProperty("status").GetString());
        var source = cityVersion.GetProperty("source");
        Assert.Equal(district.Tenant, source.GetProperty("tenant").GetString());
        Assert.Equal("西城区", source.GetProperty("name").GetString());
        Assert.Equal(2, source.GetProperty("completeness").GetProperty("expected").GetInt32());
        Assert.Equal(2, source.GetProperty("completeness").GetProperty("counted").GetInt32());
        Assert.Equal(0, source.GetProperty("completeness").GetProperty("missing").GetArrayLength());
        Assert.Equal(975m + 900m, cityVersion.GetProperty("values").GetProperty("1.1").GetDecimal());
        // Summable indicators only.
        var template = SeedReport.Catalog.Find(SeedReport.Template)!;
        Assert.All(cityVersion.GetProperty("values").EnumerateObject(),
            value => Assert.Equal(AggregateKind.Sum, template.FindIndicator(value.Name)!.Aggregate));
        var history = await ReadAsync(await CityClient(levels.CityReviewer).GetAsync($"{TestData.ReportPath(levels.City, levels.DistrictUnit)}/versions"), HttpStatusCode.OK);
        Assert.Equal(district.Tenant, history.GetProperty("items")[0].GetProperty("source").GetProperty("tenant").GetString());

        var status = await StatusAsync(district);
        Assert.Equal("submitted", status.GetProperty("status").GetString());
        Assert.Equal(1, status.GetProperty("upstreamVersion").GetInt32());
        Assert.True(status.GetProperty("current").GetBoolean());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error").ValueKind);

        // The city returns it with a comment: the district sees the return, and its audit says so.
        await ReadAsync(await CityClient(levels.CityReviewer).PostAsJsonAsync(
            $"{TestData.ReportPath(levels.City, levels.DistrictUnit)}/versions/1/return", new { comment = "陶然亭街道 1.1 有误，请核实" }), HttpStatusCode.OK);
        status = await StatusAsync(district);
        Assert.Equal("returned", status.GetProperty("status").GetString());
        Assert.Equal("陶然亭街道 1.1 有误，请核实", status.GetProperty("statusComment").GetString());
        var audit = await ReadAsync(await Client(district, "tenant-admin@root").GetAsync($"/api/v1/tenants/{district.Tenant}/audit"), HttpStatusCode.OK);
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), entry => entry.GetProperty("action").GetString() == "upstream.returned"
            && entry.GetProperty("details").GetProperty("comment").GetString() == "陶然亭街道 1.1 有误，请核实");

        // A sub-district corrects its figures: the district's figures are no longer those handed up.
        await PostAsync(district, "reporter@a", district.SubDistrictA, TestData.ReportFor().With("1.1", 970));
        await WaitForFiguresAsync(district);
        Assert.False((await StatusAsync(district)).GetProperty("current").GetBoolean());

        // Handed up again: version 2; the city accepts it and its rollup is the district's figures.
        await HandUpAsync(district, new { });
        status = await StatusAsync(district);
        Assert.Equal(2, status.GetProperty("upstreamVersion").GetInt32());
        Assert.True(status.GetProperty("current").GetBoolean());
        await ReadAsync(await CityClient(levels.CityReviewer).PostAsJsonAsync(
            $"{TestData.ReportPath(levels.City, levels.DistrictUnit)}/versions/2/accept", new { comment = "核对无误" }), HttpStatusCode.OK);
        status = await StatusAsync(district);
        Assert.Equal("accepted", status.GetProperty("status").GetString());

        await new ReportRows(_api).WaitForFiguresAsync(await _data.TenantIdAsync(levels.City), Year);
        var cityRollup = await ReadAsync(await CityClient(levels.CityViewer).GetAsync($"/api/v1/tenants/{levels.City}/org-units/{levels.City}/rollups/{Year}"), HttpStatusCode.OK);
        var districtRollup = await ReadAsync(await Client(district, "viewer@root").GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}"), HttpStatusCode.OK);
        Assert.Equal(975m - 5 + 900m, cityRollup.GetProperty("values").GetProperty("1.1").GetProperty("value").GetDecimal());
        var summable = districtRollup.GetProperty("values").EnumerateObject()
            .Where(value => template.FindIndicator(value.Name)?.Aggregate == AggregateKind.Sum).ToList();
        Assert.True(summable.Count > 10);
        foreach (var value in summable)
            Assert.Equal(value.Value.GetProperty("value").ToString(), cityRollup.GetProperty("values").GetProperty(value.Name).GetProperty("value").ToString());

        // A sub-district sends the same figures with a note: a new generation, the same sums: upstream answers unchanged.
        await PostAsync(district, "reporter@a", district.SubDistrictA, TestData.ReportFor().With("1.1", 970).WithNote("复核无误"));
        await WaitForFiguresAsync(district);
        await HandUpAsync(district, new { });
        status = await StatusAsync(district);
        Assert.Equal("unchanged", status.GetProperty("state").GetString());
        Assert.Equal(2, status.GetProperty("upstreamVersion").GetInt32());
        Assert.True(status.GetProperty("current").GetBoolean());
        var versions = await ReadAsync(await CityClient(levels.CityReviewer).GetAsync($"{TestData.ReportPath(levels.City, levels.DistrictUnit)}/versions"), HttpStatusCode.OK);
        Assert.Equal(2, versions.GetProperty("items").GetArrayLength());

        await ShouldNotShowTheKeyAnywhereAsync(levels.UpstreamKey);
    }

    [Fact]
    public async Task Should_refuse_a_link_upstream_does_not_accept_and_store_nothing()
    {
        var levels = await LevelsAsync();
        var district = levels.District;
        var admin = Client(district, "tenant-admin@root");
        var viewerUpstream = (await _data.KeyAsync(levels.City, levels.DistrictUnit, "viewer")).Key;
        var otherUnit = (await _data.KeyAsync(levels.City, await _data.OrgUnitAsync(levels.City, name: "东城区", kind: "district"), "reporter")).Key;

        var refusals = new[]
        {
            (Body: (object)new { url = (string?)null, tenant = levels.City, orgUnit = levels.DistrictUnit, key = "agg_made-up-key-0000000000000000000000000000000" }, Reason: "key-refused"),
            (new { url = (string?)null, tenant = levels.City, orgUnit = levels.DistrictUnit, key = viewerUpstream }, "not-a-reporter-of-the-unit"),
            (new { url = (string?)null, tenant = levels.City, orgUnit = levels.DistrictUnit, key = otherUnit }, "not-a-reporter-of-the-unit"),
            (new { url = (string?)"http://127.0.0.1:9", tenant = levels.City, orgUnit = levels.DistrictUnit, key = levels.UpstreamKey }, "unreachable"),
            (new { url = (string?)null, tenant = district.Tenant, orgUnit = district.Tenant, key = levels.UpstreamKey }, "self"),
        };
        foreach (var (body, reason) in refusals)
        {
            var problem = await (await admin.PutAsJsonAsync(UpstreamPath(district), body)).ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
            Assert.Equal("/problems/upstream-refused", problem.GetProperty("type").GetString());
            Assert.Equal(reason, problem.GetProperty("reason").GetString());
        }
        await (await admin.GetAsync(UpstreamPath(district))).ShouldBeProblem(HttpStatusCode.NotFound);

        // Shapes refused before any call: not http(s), credentials in the URL, a bad code, NUL in the key, a huge key.
        foreach (var body in new object[]
                 {
                     new { url = "file:///etc/passwd", tenant = levels.City, orgUnit = levels.DistrictUnit, key = levels.UpstreamKey },
                     new { url = "http://user:pw@127.0.0.1:9", tenant = levels.City, orgUnit = levels.DistrictUnit, key = levels.UpstreamKey },
                     new { url = (string?)null, tenant = "a b", orgUnit = levels.DistrictUnit, key = levels.UpstreamKey },
                     new { url = (string?)null, tenant = levels.City, orgUnit = levels.DistrictUnit, key = "agg_\0" },
                     new { url = (string?)null, tenant = levels.City, orgUnit = levels.DistrictUnit, key = new string('k', 5000) },
                 })
            await (await admin.PutAsJsonAsync(UpstreamPath(district), body)).ShouldBeProblem(HttpStatusCode.BadRequest);

        // Only the root's tenant-admin links; the link is then removed.
        await (await Client(district, "tenant-admin@a").PutAsJsonAsync(UpstreamPath(district), LinkBody(levels))).ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await Client(district, "reviewer@root").PutAsJsonAsync(UpstreamPath(district), LinkBody(levels))).ShouldBeProblem(HttpStatusCode.Forbidden);
        await LinkAsync(levels);
        await (await admin.DeleteAsync(UpstreamPath(district))).ShouldHaveStatus(HttpStatusCode.NoContent);
        await (await admin.GetAsync(UpstreamPath(district))).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync(UpstreamPath(district))).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_refuse_to_hand_up_while_a_rollup_is_pending_or_units_are_missing()
    {
        var levels = await LevelsAsync();
        var district = levels.District;
        var reviewer = Client(district, "reviewer@root");
        var submissions = $"{UpstreamPath(district)}/{Year}/submissions";

        await (await reviewer.PostAsJsonAsync(submissions, new { })).ShouldBeProblem(HttpStatusCode.NotFound);   // no link yet
        await LinkAsync(levels);
        await (await reviewer.PostAsJsonAsync(submissions, new { })).ShouldBeProblem(HttpStatusCode.NotFound);   // nothing reported

        // Only sub-district A reported: B is missing.
        await PostAsync(district, "reporter@a", district.SubDistrictA, TestData.ReportFor());
        await WaitForFiguresAsync(district);
        var incomplete = await (await reviewer.PostAsJsonAsync(submissions, new { })).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("/problems/incomplete", incomplete.GetProperty("type").GetString());
        Assert.Equal(district.SubDistrictB, incomplete.GetProperty("missing")[0].GetString());
        await (await reviewer.PostAsJsonAsync(submissions, new { allowIncomplete = true })).ShouldBeProblem(HttpStatusCode.BadRequest);
        await (await Client(district, "viewer@root").PostAsJsonAsync(submissions, new { })).ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await Client(district, "reviewer@a").PostAsJsonAsync(submissions, new { })).ShouldBeProblem(HttpStatusCode.Forbidden);

        // With a reason it goes up, and the city reads why and who was missing.
        var job = await HandUpAsync(district, new { allowIncomplete = true, reason = "广安门内街道逾期未报，经市里同意先行报送" }, "reviewer@root");
        Assert.Equal("Succeeded", job.GetProperty("state").GetString());
        var source = (await ReadAsync(await CityClient(levels.CityReviewer).GetAsync($"{TestData.ReportPath(levels.City, levels.DistrictUnit)}/versions/1"), HttpStatusCode.OK))
            .GetProperty("source");
        Assert.Equal("广安门内街道逾期未报，经市里同意先行报送", source.GetProperty("reason").GetString());
        Assert.Equal(district.SubDistrictB, source.GetProperty("completeness").GetProperty("missing")[0].GetString());
        Assert.Equal(1, source.GetProperty("completeness").GetProperty("counted").GetInt32());

        // A rollup pending (the year marked dirty, no job yet to compute it): 409 figures-stale.
        await using (var db = await _api.TenantDb.BeginAsync(await _data.TenantIdAsync(district.Tenant), CancellationToken.None))
        {
            await db.ExecuteAsync("INSERT INTO figure_changes (tenant_id, year, kind) VALUES (@tenantId, @year, 'change')",
                new { tenantId = db.Tenant, year = Year });
            await db.CommitAsync();
        }
        var stale = await (await reviewer.PostAsJsonAsync(submissions, new { allowIncomplete = true, reason = "再报" })).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("/problems/figures-stale", stale.GetProperty("type").GetString());
    }

    /// <summary>A district linked to its city, both sub-districts reported and the year handed up once.</summary>
    private async Task<Levels> HandedUpAsync()
    {
        var levels = await LevelsAsync();
        var district = levels.District;
        await LinkAsync(levels);
        await PostAsync(district, "reporter@a", district.SubDistrictA, TestData.ReportFor());
        await PostAsync(district, "reporter@a", district.SubDistrictB, TestData.ReportFor(), "tenant-admin@root");
        await WaitForFiguresAsync(district);
        await HandUpAsync(district, new { });
        return levels;
    }

    [Fact]
    public async Task Should_report_a_revoked_upstream_key_as_such()
    {
        var levels = await HandedUpAsync();
        var district = levels.District;

        await (await _api.Admin().DeleteAsync($"/api/v1/tenants/{levels.City}/api-keys/{levels.UpstreamKeyId}")).ShouldHaveStatus(HttpStatusCode.NoContent);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement status;
        do status = await StatusAsync(district);
        while (status.GetProperty("error").ValueKind == JsonValueKind.Null && DateTime.UtcNow < deadline && await Pause());
        Assert.Equal("upstream-key-refused", status.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("吊销", status.GetProperty("error").GetProperty("detail").GetString());

        // A hand-up with the revoked key fails, and says why.
        await PostAsync(district, "reporter@a", district.SubDistrictA, TestData.ReportFor().With("1.1", 970));
        await WaitForFiguresAsync(district);
        var failed = await HandUpAsync(district, new { }, expectedState: "Failed");
        Assert.StartsWith("upstream-key-refused", failed.GetProperty("error").GetString());
        status = await StatusAsync(district);
        Assert.Equal("failed", status.GetProperty("lastAttempt").GetProperty("state").GetString());
        await ShouldNotShowTheKeyAnywhereAsync(levels.UpstreamKey);
    }

    private static async Task<bool> Pause()
    {
        await Task.Delay(100);
        return true;
    }

    private async Task<Levels> LevelsAsync()
    {
        var city = await _data.TenantAsync("北京市");
        var unit = await _data.OrgUnitAsync(city, name: "西城区", kind: "district");
        var (keyId, key) = await _data.KeyAsync(city, unit, "reporter");
        var reviewer = (await _data.KeyAsync(city, city, "reviewer")).Key;
        var viewer = (await _data.KeyAsync(city, city, "viewer")).Key;
        await (await _api.Admin().PutAsJsonAsync($"/api/v1/tenants/{city}/settings", new { review = "required" })).ShouldHaveStatus(HttpStatusCode.OK);
        return new Levels(city, unit, keyId, key, reviewer, viewer, await _data.DistrictAsync());
    }

    private static object LinkBody(Levels levels) => new { url = (string?)null, tenant = levels.City, orgUnit = levels.DistrictUnit, key = levels.UpstreamKey };

    private async Task LinkAsync(Levels levels) =>
        await ReadAsync(await Client(levels.District, "tenant-admin@root").PutAsJsonAsync(UpstreamPath(levels.District), LinkBody(levels)), HttpStatusCode.OK);

    private static string UpstreamPath(District district) => $"/api/v1/tenants/{district.Tenant}/upstream";

    private async Task PostAsync(District district, string key, string org, ReportBody report, string? asKey = null) =>
        await ReadAsync(await TestData.PostReportAsync(Client(district, asKey ?? key), district.Tenant, org, report), HttpStatusCode.Created);

    private async Task WaitForFiguresAsync(District district) =>
        await new ReportRows(_api).WaitForFiguresAsync(await _data.TenantIdAsync(district.Tenant), Year);

    /// <summary>POSTs the hand-up (202) and waits for its job to finish; the job as GET /api/v1/jobs/{id} shows it.</summary>
    private Task<JsonElement> HandUpAsync(District district, object body, string key = "tenant-admin@root", string expectedState = "Succeeded") =>
        HandUpAsync(Client(district, key), district.Tenant, body, expectedState);

    private async Task<JsonElement> HandUpAsync(HttpClient client, string tenant, object body, string expectedState = "Succeeded")
    {
        var queued = await ReadAsync(await client.PostAsJsonAsync($"/api/v1/tenants/{tenant}/upstream/{Year}/submissions", body), HttpStatusCode.Accepted);
        var jobId = queued.GetProperty("jobId").GetString();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var job = await ReadAsync(await client.GetAsync($"/api/v1/jobs/{jobId}"), HttpStatusCode.OK);
            var state = job.GetProperty("state").GetString();
            if (state is "Succeeded" or "Failed" or "Deleted")
            {
                Assert.True(state == expectedState, $"the hand-up job ended {state}: {job}");
                return job;
            }
            if (DateTime.UtcNow > deadline) Assert.Fail($"the hand-up job did not finish: {job}");
            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> StatusAsync(District district) =>
        await ReadAsync(await Client(district, "viewer@root").GetAsync($"{UpstreamPath(district)}/{Year}"), HttpStatusCode.OK);

    private HttpClient Client(District district, string key) => CityClient(district.Keys[key]);

    /// <summary>A client of the fixture's API, as ApiFixture.Client makes it, whose every answer is kept.</summary>
    private HttpClient CityClient(string key, string? language = "en")
    {
        var client = new HttpClient(new AnswerRecorder(_answers)) { BaseAddress = _api.Client().BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        if (language is not null) client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>The status checked and the body kept: every answer is searched for the upstream key at the end.</summary>
    private async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        await response.ShouldHaveStatus(expected);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Not in an answer, a log line, a Hangfire job (arguments, invocation, state data and reason), in any form.</summary>
    private async Task ShouldNotShowTheKeyAnywhereAsync(string key)
    {
        Assert.True(_answers.Count > 5);
        Assert.Empty(SecretScan.Holding(_answers, key));
        var lines = host.Logs.Lines;
        Assert.Contains(lines, line => line.Contains("/upstream", StringComparison.Ordinal));
        Assert.Empty(SecretScan.Holding(lines, key));

        await using var connection = await _api.AppDataSource.OpenConnectionAsync();
        Assert.True(await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%UpstreamSubmissionJob%'") > 0, "a hand-up job was kept");
        Assert.Equal(0, await SecretScan.InHangfireAsync(connection, key));
    }
}
