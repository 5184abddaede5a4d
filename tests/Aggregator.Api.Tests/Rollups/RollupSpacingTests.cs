using System.Diagnostics;
using System.Net;
using Aggregator.Api.Tests.Infrastructure;
using Dapper;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>
/// Aggregator:Jobs:RollupSpacing: while reports keep coming, a year is recomputed about once per spacing, not back to
/// back, and the last report is still in the figures soon after it.
/// </summary>
public sealed class RollupSpacingTests : IAsyncLifetime
{
    private static readonly TimeSpan Spacing = TimeSpan.FromSeconds(1);

    private readonly ApiFixture _api = ApiFixture.With(new Dictionary<string, string?>
    {
        ["Aggregator:Jobs:RollupSpacing"] = "00:00:01",
    });

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Should_recompute_a_year_about_once_a_second_while_reports_keep_coming_and_include_the_last()
    {
        var district = await new TestData(_api).DistrictAsync();
        var rows = new ReportRows(_api);
        var tenantId = await rows.TenantIdAsync(district.Tenant);
        var reporter = _api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);
        await rows.WaitForFiguresAsync(tenantId, SeedReport.Year);
        var runsBefore = await RunsAsync(rows, tenantId);

        // A version every 100 ms for 3 s: back to back, each run would follow the one before at once.
        var clock = Stopwatch.StartNew();
        var last = 0;
        for (var n = 1; clock.Elapsed < TimeSpan.FromSeconds(3); n++)
        {
            last = 1000 + n;
            await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", last)))
                .ShouldHaveStatus(HttpStatusCode.Created);
            await Task.Delay(100);
        }
        var sent = clock.Elapsed;
        await rows.WaitForFiguresAsync(tenantId, SeedReport.Year);
        var fresh = clock.Elapsed - sent;

        var runs = await RunsAsync(rows, tenantId) - runsBefore;
        // 3 s of writes at one run per second (plus each run's time) and one for the last of them.
        Assert.InRange(runs, 2, 5);
        Assert.True(fresh < Spacing + TimeSpan.FromSeconds(2), $"the last report was in the figures {fresh} after it");
        var stored = await rows.QueryAsync(tenantId, db => db.QuerySingleAsync<decimal>(
            "SELECT value FROM rollup_values v JOIN org_units o ON o.org_unit_id = v.org_unit_id " +
            "WHERE v.year = @year AND v.indicator = '1.1' AND o.parent_id IS NULL", new { year = SeedReport.Year }));
        Assert.Equal(last, stored);
    }

    private static Task<int> RunsAsync(ReportRows rows, Guid tenantId) =>
        rows.QueryAsync(tenantId, db => db.QuerySingleAsync<int>(
            "SELECT runs FROM rollup_state WHERE year = @year", new { year = SeedReport.Year }));
}
