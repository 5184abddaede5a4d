using System.Net;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data.Resilience;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests.Faults;

/// <summary>
/// A database that takes no writes, and connections cut under the API, on a cluster of this class's own (the
/// faults would disturb every other test of a shared one).
/// </summary>
public sealed class DatabaseFaultTests : IAsyncLifetime
{
    private readonly ApiFixture _api = ApiFixture.With(new Dictionary<string, string?> { ["Aggregator:Database:RetryAfter"] = "00:00:07" });

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Should_refuse_writes_with_503_and_retry_after_but_go_on_reading_while_the_database_is_read_only()
    {
        var district = await new TestData(_api).DistrictAsync();
        var reporter = _api.Client(district.Keys["reporter@a"]);
        var viewer = _api.Client(district.Keys["viewer@root"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var reportPath = TestData.ReportPath(district.Tenant, district.SubDistrictA);
        // The keys are looked up once before; a key not yet known is read, not written, so it would work as well.
        await (await viewer.GetAsync(reportPath)).ShouldHaveStatus(HttpStatusCode.OK);

        await FaultyDatabase.SetReadOnlyAsync(_api.Postgres, readOnly: true);
        // Sessions idle in the pool at the reload could run one more writing transaction (PostgreSQL applies a
        // reloaded setting after a session's next command): from here on, every request has a session that sees it.
        _api.AppDataSource.Clear();
        try
        {
            var refused = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA,
                TestData.ReportFor().With("1.1", 976), idempotencyKey: "read-only-1");
            var problem = await refused.ShouldBeProblem(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("/problems/unavailable", problem.GetProperty("type").GetString());
            Assert.Contains("read-only", problem.GetProperty("detail").GetString());
            Assert.Equal(TimeSpan.FromSeconds(7), refused.Headers.RetryAfter?.Delta);

            var keyRefused = await _api.Admin().PostAsync($"/api/v1/tenants/{district.Tenant}/api-keys",
                System.Net.Http.Json.JsonContent.Create(new { orgUnit = district.SubDistrictB, role = "viewer", name = "viewer of B" }));
            await keyRefused.ShouldBeProblem(HttpStatusCode.ServiceUnavailable);

            await (await viewer.GetAsync(reportPath)).ShouldHaveStatus(HttpStatusCode.OK);
            await (await viewer.GetAsync($"{reportPath}/versions")).ShouldHaveStatus(HttpStatusCode.OK);
        }
        finally
        {
            await FaultyDatabase.SetReadOnlyAsync(_api.Postgres, readOnly: false);
        }

        // Nothing of the refused request was kept: the same key now stores it, as version 2.
        var stored = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA,
            TestData.ReportFor().With("1.1", 976), idempotencyKey: "read-only-1");
        await stored.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(2, await new TestData(_api).VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_store_a_report_once_when_its_connection_is_cut_in_the_middle_of_storing_it()
    {
        var district = await new TestData(_api).DistrictAsync();
        var reporter = _api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var tenantId = await new TestData(_api).TenantIdAsync(district.Tenant);
        var retries = _api.Factory.Services.GetRequiredService<DatabaseRetry>();
        var before = retries.Retries;

        // Hold the report's row, so that the next version's transaction waits in the middle, with its claim of the
        // Idempotency-Key and its first statements done; then cut that session, and let the row go.
        await using var holder = await FaultyDatabase.HoldReportAsync(_api.Postgres, tenantId, district.SubDistrictA);
        var posting = TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 976),
            idempotencyKey: "cut-1");
        Assert.Equal(1, await FaultyDatabase.CutSessionsWaitingForALockAsync(_api.Postgres));
        await holder.DisposeAsync();

        var answer = await posting;
        await answer.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.True(retries.Retries > before, "the request was run again after its connection was cut");
        Assert.Equal(2, await new TestData(_api).VersionCountAsync(district, district.SubDistrictA));
        // The retry of the client with the same key is answered from the record, and stores nothing.
        var again = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 976),
            idempotencyKey: "cut-1");
        await again.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(2, await new TestData(_api).VersionCountAsync(district, district.SubDistrictA));
    }
}
