using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;

namespace Aggregator.Api.Tests.Review;

/// <summary>
/// Review through the API: who may move a version, what each move does to the figures, and that a submitted or
/// returned version never counts while review is required.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ReviewTests(ApiFixture api)
{
    private const int Year = SeedReport.Year;
    private readonly TestData _data = new(api);
    private readonly ReportRows _rows = new(api);

    [Fact]
    public async Task Should_let_only_a_root_tenant_admin_change_the_review_setting()
    {
        var district = await _data.DistrictAsync();

        foreach (var key in new[] { "tenant-admin@a", "reviewer@root", "reporter@root", "viewer@root" })
        {
            var refused = await PutReviewAsync(district, key, "required");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        var bad = await PutReviewAsync(district, "tenant-admin@root", "sometimes");
        var problem = await bad.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Contains("review", problem.GetProperty("errors")[0].GetProperty("name").GetString(), StringComparison.OrdinalIgnoreCase);

        await (await PutReviewAsync(district, "tenant-admin@root", "required")).ShouldHaveStatus(HttpStatusCode.OK);
        var settings = await Client(district, "viewer@a").GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/settings");
        Assert.Equal("required", settings.GetProperty("review").GetString());
    }

    [Fact]
    public async Task Should_count_every_version_at_once_with_review_off_and_say_so_on_the_version()
    {
        var district = await _data.DistrictAsync();

        var posted = await PostAsync(district, TestData.ReportFor().With("1.1", 900));
        await posted.ShouldHaveStatus(HttpStatusCode.Created);
        var body = await posted.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.Equal("system", body.GetProperty("statusBy").GetString());
        var version = await CurrentAsync(district);
        Assert.True(version.GetProperty("counts").GetBoolean());
        Assert.False(version.GetProperty("locked").GetBoolean());
        Assert.Equal(900, (await RootRollupAsync(district)).GetProperty("values").GetProperty("1.1").GetProperty("value").GetDecimal());
    }

    [Fact]
    public async Task Should_move_versions_through_review_and_count_only_the_newest_accepted_one()
    {
        var district = await _data.DistrictAsync();
        await (await PutReviewAsync(district, "tenant-admin@root", "required")).ShouldHaveStatus(HttpStatusCode.OK);
        var tenantId = await _data.TenantIdAsync(district.Tenant);
        var otherReviewer = (await _data.KeyAsync(district.Tenant, district.SubDistrictB, "reviewer")).Key;

        // v1 is submitted: it does not count, and the unit awaits review.
        var v1 = await PostAsync(district, TestData.ReportFor().With("1.1", 901));
        await v1.ShouldHaveStatus(HttpStatusCode.Created);
        var v1Body = await v1.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("submitted", v1Body.GetProperty("status").GetString());
        Assert.StartsWith("key:", v1Body.GetProperty("statusBy").GetString());
        await _rows.WaitForFiguresAsync(tenantId, Year);
        var rollup = await RootRollupAsync(district);
        Assert.Equal(0, rollup.GetProperty("completeness").GetProperty("reported").GetInt32());
        Assert.Equal([district.SubDistrictA], Codes(rollup.GetProperty("completeness").GetProperty("awaitingReview")));
        Assert.Equal(0, rollup.GetProperty("values").GetProperty("1.1").GetProperty("reporters").GetInt32());

        // Who may not move it: the reporter, a viewer (403); a reviewer of another unit does not see it (404).
        Assert.Equal(HttpStatusCode.Forbidden, (await MoveAsync(district, "reporter@a", 1, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await MoveAsync(district, "viewer@root", 1, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await MoveAsync(api.Client(otherReviewer), district, 1, "accept")).StatusCode);
        var noComment = await MoveAsync(district, "reviewer@root", 1, "return", comment: null);
        await noComment.ShouldBeProblem(HttpStatusCode.BadRequest);

        // Returned: still counts nothing; returning again changes nothing; it can no longer be accepted.
        var returned = await MoveAsync(district, "reviewer@root", 1, "return", "3.1 与分项之和不符，请核对");
        await returned.ShouldHaveStatus(HttpStatusCode.OK);
        var returnedBody = await returned.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("returned", returnedBody.GetProperty("status").GetString());
        Assert.Equal("3.1 与分项之和不符，请核对", returnedBody.GetProperty("statusComment").GetString());
        Assert.False(returnedBody.GetProperty("counts").GetBoolean());
        await (await MoveAsync(district, "reviewer@root", 1, "return", "again")).ShouldHaveStatus(HttpStatusCode.OK);
        var acceptReturned = await MoveAsync(district, "reviewer@root", 1, "accept");
        Assert.Equal("/problems/review-conflict", (await acceptReturned.ShouldBeProblem(HttpStatusCode.Conflict)).GetProperty("type").GetString());

        // v2 accepted by the district's reviewer (the unit's own may not: SeparationOfDutiesTests): it counts, and the year is locked.
        await (await PostAsync(district, TestData.ReportFor().With("1.1", 902))).ShouldHaveStatus(HttpStatusCode.Created);
        var accepted = await MoveAsync(district, "reviewer@root", 2, "accept", "核对无误");
        await accepted.ShouldHaveStatus(HttpStatusCode.OK);
        var acceptedBody = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("accepted", acceptedBody.GetProperty("status").GetString());
        Assert.True(acceptedBody.GetProperty("counts").GetBoolean());
        Assert.True(acceptedBody.GetProperty("locked").GetBoolean());
        await _rows.WaitForFiguresAsync(tenantId, Year);
        Assert.Equal(902, (await RootRollupAsync(district)).GetProperty("values").GetProperty("1.1").GetProperty("value").GetDecimal());

        // Locked: a different version is 409; the same content again is the unchanged answer.
        var overLocked = await PostAsync(district, TestData.ReportFor().With("1.1", 903));
        Assert.Equal("/problems/report-locked", (await overLocked.ShouldBeProblem(HttpStatusCode.Conflict)).GetProperty("type").GetString());
        var same = await PostAsync(district, TestData.ReportFor().With("1.1", 902));
        await same.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.True((await same.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unchanged").GetBoolean());

        // Reopen: the reporter may not; a reviewer may. v3 is submitted and v2 still counts until v3 is accepted.
        Assert.Equal(HttpStatusCode.Forbidden, (await ReopenAsync(district, "reporter@a")).StatusCode);
        var reopened = await ReopenAsync(district, "reviewer@root");
        await reopened.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.False((await reopened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("locked").GetBoolean());
        await (await PostAsync(district, TestData.ReportFor().With("1.1", 903))).ShouldHaveStatus(HttpStatusCode.Created);
        await _rows.WaitForFiguresAsync(tenantId, Year);
        Assert.Equal(902, (await RootRollupAsync(district)).GetProperty("values").GetProperty("1.1").GetProperty("value").GetDecimal());
        Assert.Equal(HttpStatusCode.Conflict, (await MoveAsync(district, "reviewer@root", 1, "accept")).StatusCode);

        // The history shows every status and who moved it.
        var history = await Client(district, "reporter@a").GetFromJsonAsync<JsonElement>($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions");
        var statuses = history.GetProperty("items").EnumerateArray()
            .Select(item => (item.GetProperty("version").GetInt32(), item.GetProperty("status").GetString(), item.GetProperty("counts").GetBoolean()))
            .ToList();
        Assert.Equal([(3, "submitted", false), (2, "accepted", true), (1, "returned", false)], statuses);

        // Turning review off accepts what waits (v3, by system), so it counts at once, as new versions will.
        await (await PutReviewAsync(district, "tenant-admin@root", "off")).ShouldHaveStatus(HttpStatusCode.OK);
        var current = await CurrentAsync(district);
        Assert.Equal(3, current.GetProperty("version").GetInt32());
        Assert.Equal("accepted", current.GetProperty("status").GetString());
        Assert.Equal("system", current.GetProperty("statusBy").GetString());
        await _rows.WaitForFiguresAsync(tenantId, Year);
        Assert.Equal(903, (await RootRollupAsync(district)).GetProperty("values").GetProperty("1.1").GetProperty("value").GetDecimal());
    }

    [Fact]
    public async Task Should_refuse_to_accept_a_version_its_unit_superseded()
    {
        var district = await _data.DistrictAsync();
        await (await PutReviewAsync(district, "tenant-admin@root", "required")).ShouldHaveStatus(HttpStatusCode.OK);
        await (await PostAsync(district, TestData.ReportFor().With("1.1", 901))).ShouldHaveStatus(HttpStatusCode.Created);
        await (await PostAsync(district, TestData.ReportFor().With("1.1", 902))).ShouldHaveStatus(HttpStatusCode.Created);

        var stale = await MoveAsync(district, "reviewer@root", 1, "accept");
        var problem = await stale.ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains("superseded by version 2", problem.GetProperty("detail").GetString());

        // Two reviewers accepting the newest at once: one moves it, the other finds it accepted; one audit entry.
        var both = await Task.WhenAll(MoveAsync(district, "reviewer@root", 2, "accept"), MoveAsync(district, "tenant-admin@root", 2, "accept"));
        Assert.All(both, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        var audit = await Client(district, "tenant-admin@root").GetFromJsonAsync<JsonElement>(
            $"/api/v1/tenants/{district.Tenant}/audit?unit={district.SubDistrictA}&year={Year}");
        Assert.Single(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "report.version-accepted");
    }

    [Fact]
    public async Task Should_turn_review_off_while_versions_are_posted_and_moved_without_failing_any()
    {
        // Turning review off locks the setting, then the reports waiting for a reviewer; a version or a move of such a
        // report that locked its report row before the setting's row deadlocked with it (500 on one side).
        var district = await _data.DistrictAsync();
        var failures = new List<string>();
        for (var round = 0; round < 12; round++)
        {
            await (await PutReviewAsync(district, "tenant-admin@root", "required")).ShouldHaveStatus(HttpStatusCode.OK);
            var waiting = await PostAsync(district, TestData.ReportFor().With("1.1", 1000 + round * 10));
            await waiting.ShouldHaveStatus(HttpStatusCode.Created);
            var version = (await waiting.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();

            var answers = await Task.WhenAll(
                PutReviewAsync(district, "tenant-admin@root", "off"),
                PostAsync(district, TestData.ReportFor().With("1.1", 1001 + round * 10)),
                PostAsync(district, TestData.ReportFor().With("1.1", 1002 + round * 10)),
                MoveAsync(district, "reviewer@root", version, "return", "补充"),
                MoveAsync(district, "reviewer@root", version, "accept"));
            failures.AddRange(answers.Where(answer => (int)answer.StatusCode >= 500)
                .Select(answer => $"round {round}: {answer.RequestMessage!.Method} {answer.RequestMessage.RequestUri} {(int)answer.StatusCode}"));
            await ReopenAsync(district, "reviewer@root");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Should_store_the_same_figures_again_as_a_new_version_after_they_were_returned()
    {
        // A unit told to check its figures may answer "they were right": the same content is a resubmission then.
        var district = await _data.DistrictAsync();
        await (await PutReviewAsync(district, "tenant-admin@root", "required")).ShouldHaveStatus(HttpStatusCode.OK);
        await (await PostAsync(district, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);
        await (await MoveAsync(district, "reviewer@root", 1, "return", "请核实 1.1")).ShouldHaveStatus(HttpStatusCode.OK);

        var again = await PostAsync(district, TestData.ReportFor());
        await again.ShouldHaveStatus(HttpStatusCode.Created);
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((2, "submitted", false), (body.GetProperty("version").GetInt32(), body.GetProperty("status").GetString(), body.GetProperty("unchanged").GetBoolean()));

        // Once resubmitted, the same figures once more are a retry again: nothing new.
        var retry = await PostAsync(district, TestData.ReportFor());
        await retry.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.True((await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unchanged").GetBoolean());
        Assert.Equal(2, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    private HttpClient Client(District district, string key) => api.Client(district.Keys[key]);

    private Task<HttpResponseMessage> PutReviewAsync(District district, string key, string review) =>
        Client(district, key).PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review });

    private Task<HttpResponseMessage> PostAsync(District district, ReportBody report) =>
        TestData.PostReportAsync(Client(district, "reporter@a"), district.Tenant, district.SubDistrictA, report);

    private Task<HttpResponseMessage> MoveAsync(District district, string key, int version, string move, string? comment = "ok") =>
        MoveAsync(Client(district, key), district, version, move, comment);

    private static Task<HttpResponseMessage> MoveAsync(HttpClient client, District district, int version, string move, string? comment = "ok") =>
        client.PostAsJsonAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions/{version}/{move}", new { comment });

    private Task<HttpResponseMessage> ReopenAsync(District district, string key) =>
        Client(district, key).PostAsJsonAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/reopen", new { comment = "补充更正" });

    private Task<JsonElement> CurrentAsync(District district) =>
        Client(district, "reporter@a").GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));

    private async Task<JsonElement> RootRollupAsync(District district)
    {
        await _rows.WaitForFiguresAsync(await _data.TenantIdAsync(district.Tenant), Year);
        return await Client(district, "viewer@root").GetFromJsonAsync<JsonElement>(
            $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}");
    }

    private static List<string> Codes(JsonElement array) => array.EnumerateArray().Select(code => code.GetString()!).ToList();
}
