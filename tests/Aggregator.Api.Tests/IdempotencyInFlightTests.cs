using System.Net;
using Aggregator.Api.Tests.Faults;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>A second request with an Idempotency-Key still in flight is told so at once, never kept waiting for the first.</summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyInFlightTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_answer_409_at_once_to_a_second_request_with_a_key_whose_first_request_waits_for_the_report()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var tenantId = await _data.TenantIdAsync(district.Tenant);
        var key = Guid.NewGuid().ToString();

        // The first request claims the key, then waits for the report's row, held here.
        var holder = await FaultyDatabase.HoldReportAsync(api.Postgres, tenantId, district.SubDistrictA);
        Task<HttpResponseMessage> first;
        try
        {
            first = TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 976), idempotencyKey: key);
            await FaultyDatabase.WaitForAWriterOfAsync(api.Postgres, "reports");

            using var impatient = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var second = await reporter.SendAsync(Request(district, key), impatient.Token);
            var problem = await second.ShouldBeProblem(HttpStatusCode.Conflict);
            Assert.Contains("Idempotency-Key", problem.GetProperty("detail").GetString());
            Assert.Equal(TimeSpan.FromSeconds(1), second.Headers.RetryAfter?.Delta);
            Assert.False(first.IsCompleted, "the first request still waits for the report");
        }
        finally
        {
            await holder.DisposeAsync();
        }

        var stored = await first;
        await stored.ShouldHaveStatus(HttpStatusCode.Created);
        var again = await reporter.SendAsync(Request(district, key));
        await again.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(await stored.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(2, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    private static HttpRequestMessage Request(District district, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions")
        {
            Content = System.Net.Http.Json.JsonContent.Create(TestData.ReportFor().With("1.1", 976).ToJson()),
        };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }
}
