using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;

namespace Aggregator.Api.Tests.Edge;

/// <summary>A tenant asking for recomputes over and over costs one queued job, and other tenants' figures stay fresh.</summary>
[Collection(ApiCollection.Name)]
public sealed class RecomputeFloodTests(ApiFixture api, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Year = 2017;
    private readonly TestData _data = new(api);
    private readonly ReportRows _rows = new(api);

    [Fact]
    public async Task Should_answer_300_parallel_recomputes_with_one_job_and_keep_another_tenants_rollup_within_3_seconds()
    {
        var flooding = await _data.DistrictAsync();
        var other = await _data.DistrictAsync();
        var busy = await _data.DistrictAsync();
        var otherId = await _rows.TenantIdAsync(other.Tenant);
        var busyId = await _rows.TenantIdAsync(busy.Tenant);

        // A recompute that cannot finish while the test holds its lock keeps the recompute workers busy, so
        // that the flooding tenant's job stays queued for as long as the flood lasts.
        string floodJob;
        await using (var hold = await api.TenantDb.BeginAsync(busyId, CancellationToken.None))
        {
            await Aggregator.Jobs.Rollups.Data.LockAsync(hold, busyId, Year);
            var busyJob = await RecomputeAsync(busy);
            await WaitForJobAsync(busy, busyJob, "Processing");

            var answers = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => RecomputeAnswerAsync(flooding)));

            Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Accepted, answer.Status));
            Assert.All(answers, answer => Assert.Equal($"/api/v1/jobs/{answer.JobId}", answer.Location));
            var jobs = answers.Select(answer => answer.JobId).Distinct().ToList();
            Assert.Single(jobs);
            floodJob = jobs[0];
            Assert.Equal("Enqueued", await JobStateAsync(flooding, floodJob));

            var clock = Stopwatch.StartNew();
            await (await TestData.PostReportAsync(api.Client(other.Keys["reporter@a"]), other.Tenant, other.SubDistrictA, TestData.ReportFor()))
                .ShouldHaveStatus(HttpStatusCode.Created);
            await _rows.WaitForFiguresAsync(otherId, Year, TimeSpan.FromSeconds(3));
            output.WriteLine($"the other tenant's post→rollup took {clock.Elapsed.TotalSeconds:F2} s during the flood");
        }

        await WaitForJobAsync(flooding, floodJob, "Succeeded");
        var next = await RecomputeAsync(flooding);
        Assert.NotEqual(floodJob, next);
    }

    [Fact]
    public async Task Should_queue_a_new_recompute_when_the_claimed_job_no_longer_exists()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        await using (var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None))
        {
            // A claim left by a job that was deleted before it ever ran.
            await db.ExecuteAsync("""
                INSERT INTO rollup_state (tenant_id, year, recompute_job_id, recompute_queued_at)
                VALUES (@tenantId, @Year, '987654321', now() - interval '2 minutes')
                """, new { tenantId, Year });
            await db.CommitAsync();
        }

        var job = await RecomputeAsync(district);

        Assert.NotEqual("987654321", job);
        await WaitForJobAsync(district, job, "Succeeded");
    }

    private sealed record RecomputeAnswer(HttpStatusCode Status, string? Location, string JobId);

    private async Task<RecomputeAnswer> RecomputeAnswerAsync(District district)
    {
        var response = await api.Client(district.Keys["reviewer@root"])
            .PostAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}/recompute", null);
        var body = response.StatusCode == HttpStatusCode.Accepted ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
        return new RecomputeAnswer(response.StatusCode, response.Headers.Location?.ToString(),
            body.ValueKind == JsonValueKind.Object ? body.GetProperty("jobId").GetString()! : "");
    }

    private async Task<string> RecomputeAsync(District district)
    {
        var answer = await RecomputeAnswerAsync(district);
        Assert.Equal(HttpStatusCode.Accepted, answer.Status);
        return answer.JobId;
    }

    private async Task<string> JobStateAsync(District district, string jobId) =>
        (await api.Client(district.Keys["reviewer@root"]).GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{jobId}")).GetProperty("state").GetString()!;

    private async Task WaitForJobAsync(District district, string jobId, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string current;
        while ((current = await JobStateAsync(district, jobId)) != state)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"job {jobId} is {current}, not {state}");
            await Task.Delay(25);
        }
    }
}
