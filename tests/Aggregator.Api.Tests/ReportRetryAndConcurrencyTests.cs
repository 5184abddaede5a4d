using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>Retries never duplicate a version; concurrent writers never lose an update.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReportRetryAndConcurrencyTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_answer_a_retry_with_the_first_answer_and_store_nothing_new()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var key = Guid.NewGuid().ToString();

        var first = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor(), idempotencyKey: key);
        var retry = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor(), idempotencyKey: key);

        await first.ShouldHaveStatus(HttpStatusCode.Created);
        await retry.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_reject_a_reused_idempotency_key_with_a_different_body()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var key = Guid.NewGuid().ToString();
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor(), idempotencyKey: key))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var reused = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("9.3", 52), idempotencyKey: key);

        var problem = await reused.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Idempotency-Key", problem.GetProperty("detail").GetString());
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_keep_idempotency_keys_apart_per_api_key()
    {
        var district = await _data.DistrictAsync();
        var key = Guid.NewGuid().ToString();

        var byReporter = await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor(), idempotencyKey: key);
        var byAdmin = await TestData.PostReportAsync(api.Client(district.Keys["tenant-admin@root"]), district.Tenant, district.SubDistrictA, TestData.ReportFor().With("9.3", 52), idempotencyKey: key);

        await byReporter.ShouldHaveStatus(HttpStatusCode.Created);
        await byAdmin.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(2, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_store_one_version_when_identical_requests_race()
    {
        var district = await _data.DistrictAsync();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor(), idempotencyKey: key)));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created);
        var versions = responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Headers.Location).Distinct();
        Assert.Single(versions);
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_let_one_of_two_writers_with_the_same_if_match_win_and_tell_the_other()
    {
        var district = await _data.DistrictAsync();
        var first = await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor());
        var etag = first.Headers.ETag!.ToString();

        var responses = await Task.WhenAll(
            TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor().With("9.3", 52), ifMatch: etag),
            TestData.PostReportAsync(api.Client(district.Keys["tenant-admin@root"]), district.Tenant, district.SubDistrictA, TestData.ReportFor().With("9.3", 53), ifMatch: etag));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.PreconditionFailed], responses.Select(r => r.StatusCode).Order());
        await responses.Single(r => r.StatusCode == HttpStatusCode.PreconditionFailed).ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_tell_every_losing_writer_of_an_if_match_race_which_version_won()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var first = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor());
        var etag = first.Headers.ETag!.ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => TestData.PostReportAsync(
            reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("9.3", 60 + i), ifMatch: etag)));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var lost in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            // Not "this report has no version yet": a loser that believed that would post over the winner.
            var problem = await lost.ShouldBeProblem(HttpStatusCode.PreconditionFailed);
            Assert.Equal(2, problem.GetProperty("currentVersion").GetInt32());
            Assert.Equal(winner.Headers.ETag!.ToString(), problem.GetProperty("currentEtag").GetString());
        }
    }

    [Fact]
    public async Task Should_refuse_an_if_match_that_is_not_the_current_etag()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var v1 = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor());
        var v2 = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("9.3", 52), ifMatch: v1.Headers.ETag!.ToString());
        await v2.ShouldHaveStatus(HttpStatusCode.Created);

        var stale = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor(), ifMatch: v1.Headers.ETag!.ToString());
        var anyCurrent = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor(), ifMatch: "*");
        var noneYet = await TestData.PostReportAsync(api.Client(district.Keys["tenant-admin@root"]), district.Tenant, district.SubDistrictB, TestData.ReportFor(), ifMatch: "*");

        await stale.ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        await anyCurrent.ShouldHaveStatus(HttpStatusCode.Created);
        await noneYet.ShouldBeProblem(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Should_answer_not_modified_when_the_client_has_the_current_version()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var posted = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor());
        using var request = new HttpRequestMessage(HttpMethod.Get, TestData.ReportPath(district.Tenant, district.SubDistrictA));
        request.Headers.IfNoneMatch.Add(posted.Headers.ETag!);

        var response = await reporter.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(posted.Headers.ETag, response.Headers.ETag);
    }
}
