using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.RoundTrips;

/// <summary>
/// What a report POST costs the database: one transaction of four round trips (look, write, dirty mark, COMMIT) and
/// nothing after it: queuing the rollup runs off the request, in a trace of its own (RollupTrigger); at most 8 in all, and
/// not one more with an Idempotency-Key.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ReportRoundTripTests(ApiFixture api, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Budget = 8;
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_store_a_new_version_in_at_most_eight_round_trips_with_its_rollup_queued()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        // The key is looked up (and cached) and the report row made by a first version, outside the count.
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        // No rollup queued for the year, so the follow-up claims and records one, after the answer and outside the count.
        await WaitUntilComputedAsync(district);

        using var counter = new RoundTripCounter();
        var (answer, trips) = await counter.CountAsync(() =>
            TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 976)));

        await answer.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(2, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        Report("new version", trips, counter);
        Assert.InRange(trips.Count, 1, Budget);
        Assert.Contains("COMMIT", trips);
        // The change is announced after the commit, by the process, not by the write's transaction (whose commit
        // would then wait for every other notifying one).
        Assert.Empty(counter.NotifyingStatements);
        // The rollup was queued after the commit: the year is stale until it runs, then current with the new figure.
        await WaitUntilComputedAsync(district, expected: 976);
    }

    [Fact]
    public async Task Should_cost_no_round_trip_more_with_an_idempotency_key_and_answer_its_retry_from_the_record()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await WaitUntilComputedAsync(district);
        var key = Guid.NewGuid().ToString();

        using var counter = new RoundTripCounter();
        var (first, trips) = await counter.CountAsync(() =>
            TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 977), idempotencyKey: key));
        await first.ShouldHaveStatus(HttpStatusCode.Created);
        Report("new version with Idempotency-Key", trips, counter);
        Assert.InRange(trips.Count, 1, Budget + 1);

        var (retry, retryTrips) = await counter.CountAsync(() =>
            TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 977), idempotencyKey: key));
        await retry.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Report("retry answered from the record", retryTrips, counter);
        Assert.InRange(retryTrips.Count, 1, 2);
        Assert.Equal(2, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_store_nothing_and_cost_two_round_trips_for_a_version_identical_to_the_current_one()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);

        using var counter = new RoundTripCounter();
        var (same, trips) = await counter.CountAsync(() =>
            TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor()));

        await same.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.True((await same.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unchanged").GetBoolean());
        Report("unchanged", trips, counter);
        Assert.Equal(2, trips.Count);
    }

    private void Report(string what, IReadOnlyList<string> trips, RoundTripCounter counter)
    {
        output.WriteLine($"{what}: {trips.Count} round trips (+ {counter.HangfireStatements.Count} of Hangfire's storage, not counted)");
        foreach (var trip in trips) output.WriteLine($"  {trip}");
    }

    /// <summary>Polls the district's rollup until it is computed (and, if given, shows <paramref name="expected"/> for 1.1).</summary>
    private async Task WaitUntilComputedAsync(District district, decimal? expected = null)
    {
        var viewer = api.Client(district.Keys["viewer@root"]);
        var path = $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{SeedReport.Year}";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var response = await viewer.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var rollup = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (!rollup.GetProperty("stale").GetBoolean()
                    && (expected is null || rollup.GetProperty("values").GetProperty("1.1").GetProperty("value").GetDecimal() == expected))
                    return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"The rollup of {district.Tenant} was not computed within 30 s.");
    }
}
