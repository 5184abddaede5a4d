using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;
using Aggregator.Data;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Aggregator.Api.Tests.Faults;

/// <summary>
/// Figure reads from a streaming standby (Aggregator:Database:ReadReplicas): served there while it is up to date, never
/// while it lags (replay paused), back once it caught up, and not broken by a standby that is down. Writes go to the primary.
/// </summary>
[Collection(SlowTests.Collection)]
public sealed class StandbyReadTests(ITestOutputHelper output)
{
    private const int Year = SeedReport.Year;
    private const int BaseYear = Year - 1;

    [SkippableFact]
    public async Task Should_read_figures_from_an_up_to_date_standby_and_never_from_one_that_lags_or_is_down()
    {
        SlowTests.Require();
        // The fixture's API runs the jobs on the primary only; the API under test is a second one with the standby.
        var api = ApiFixture.With(new Dictionary<string, string?>());
        await api.InitializeAsync();
        try
        {
            await ReadThroughStandbyAsync(api);
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    private async Task ReadThroughStandbyAsync(ApiFixture api)
    {
        var rows = new ReportRows(api);
        var district = await new TestData(api).DistrictAsync();
        var tenant = district.Tenant;
        var tenantId = await rows.TenantIdAsync(tenant);
        using (var reporter = api.Client(district.Keys["reporter@a"]))
        {
            foreach (var year in new[] { BaseYear, Year })
            {
                using var posted = await TestData.PostReportAsync(reporter, tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 100), year);
                await posted.ShouldHaveStatus(HttpStatusCode.Created);
                await rows.WaitForFiguresAsync(tenantId, year);
            }
        }

        await using var standby = await Standby.StartAsync(api.Postgres.SuperuserConnectionString, api.Postgres.AppConnectionString);
        await using var withStandby = api.Replica(services => services.PostConfigure<ReadReplicaOptions>(o => o.ReadReplicas = [standby.AppConnectionString]));
        var replicas = withStandby.Services.GetRequiredService<ReadReplicas>();
        var standbyReads = replicas.All.Single();
        await rows.WaitForGenerationsAsync(tenantId, Year, withStandby.Services);
        await rows.WaitForGenerationsAsync(tenantId, BaseYear, withStandby.Services);
        using var viewer = Client(withStandby, district.Keys["viewer@root"]);
        var figures = $"/api/v1/tenants/{tenant}/org-units/{tenant}";

        // 1. Up to date: every kind of figure read is answered by the standby, the primary answers none.
        string[] reads =
        [
            $"{figures}/rollups/{Year}", $"{figures}/table/{Year}?indicators=1.1", $"{figures}/series?indicator=1.1",
            $"{figures}/rollups/{Year}/breakdown?indicator=1.1", $"{figures}/comparisons/{Year}", $"{figures}/completeness/{Year}",
            $"{figures}/quality/{Year}", $"{figures}/rollups/{Year}.csv", $"{figures}/rollups/{Year}.xlsx",
        ];
        foreach (var path in reads)
        {
            using var answer = await viewer.GetAsync(path);
            await answer.ShouldHaveStatus(HttpStatusCode.OK);
        }
        Assert.Equal(reads.Length, standbyReads.Served);
        Assert.Equal(0, replicas.PrimaryReads);
        Assert.True(await standby.FigureReadConnectionsAsync() > 0, "pg_stat_activity on the standby shows no connection of the figure reads");
        Assert.Equal(100m, await RootValueAsync(viewer, figures));
        output.WriteLine($"up to date: {reads.Length} figure reads, all served by the standby ({standbyReads.Name})");

        // 2. Replay paused: a new version, written through the API with the standby (writes go to the primary) and rolled up
        //    there, is in the next read at once; the standby, still at the old figures, is skipped.
        await standby.PauseReplayAsync();
        using (var reporter = Client(withStandby, district.Keys["reporter@a"]))
        {
            using var posted = await TestData.PostReportAsync(reporter, tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 250), Year);
            await posted.ShouldHaveStatus(HttpStatusCode.Created);
        }
        await rows.WaitForFiguresAsync(tenantId, Year);
        await rows.WaitForGenerationsAsync(tenantId, Year, withStandby.Services);
        var (served, lagging, primary) = (standbyReads.Served, standbyReads.Lagging, replicas.PrimaryReads);
        Assert.Equal(250m, await RootValueAsync(viewer, figures));
        Assert.Equal(served, standbyReads.Served);
        Assert.Equal(lagging + 1, standbyReads.Lagging);
        Assert.Equal(primary + 1, replicas.PrimaryReads);
        Assert.Equal(100m, await standby.AppScalarAsync<decimal>(tenantId,
            "SELECT v.value FROM rollup_values v JOIN org_units o ON o.tenant_id = v.tenant_id AND o.org_unit_id = v.org_unit_id " +
            "WHERE o.code = @code AND v.year = @year AND v.indicator = '1.1'", ("code", tenant), ("year", Year)));
        output.WriteLine("replay paused: the new figures (250) came from the primary; the standby still holds 100 and was skipped as lagging");

        // 3. Replay resumed: once it caught up, reads go to the standby again (a read not answered from memory before).
        await standby.ResumeReplayAsync();
        await standby.WaitForReplayAsync();
        served = standbyReads.Served;
        using (var answer = await viewer.GetAsync($"{figures}/table/{Year}?indicators=1.1,3.1"))
        {
            await answer.ShouldHaveStatus(HttpStatusCode.OK);
            var table = await answer.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(250m, table.GetProperty("total")[0].GetDecimal());
        }
        Assert.Equal(served + 1, standbyReads.Served);
        output.WriteLine("replay resumed: the next read was served by the standby again, with 250");

        // 4. Standby down: reads still answer (from the primary); it rests (back-off from 1 s), so reads in a row do not
        //    each knock on it again; /health/ready stays 200, degraded.
        await standby.StopAsync();
        var failed = standbyReads.Failed;
        primary = replicas.PrimaryReads;
        const int readsWhileDown = 10;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < readsWhileDown; i++)
        {
            // Each a read not answered from memory before: a series from another first year.
            using var answer = await viewer.GetAsync($"{figures}/series?indicator=1.1&from={1990 + i}");
            await answer.ShouldHaveStatus(HttpStatusCode.OK);
            var series = await answer.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(250m, series.GetProperty("points").EnumerateArray().Single(p => p.GetProperty("year").GetInt32() == Year)
                .GetProperty("value").GetDecimal());
        }
        var elapsed = clock.Elapsed;
        var attempts = standbyReads.Failed - failed;
        Assert.Equal(primary + readsWhileDown, replicas.PrimaryReads);
        Assert.True(attempts >= 1, "the stopped standby was never tried");
        // 1 s, 2 s, 4 s… between attempts: at most one more attempt per elapsed second, and one at once when that was quick.
        Assert.True(attempts <= 1 + (int)elapsed.TotalSeconds, $"{attempts} attempts on a stopped standby in {elapsed.TotalSeconds:0.0} s");
        using (var ready = await withStandby.CreateClient().GetAsync("/health/ready"))
        {
            await ready.ShouldHaveStatus(HttpStatusCode.OK);
            var health = await ready.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Degraded", health.GetProperty("status").GetString());
            Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("read-replicas").GetProperty("status").GetString());
        }
        output.WriteLine($"standby down: {readsWhileDown} reads in {elapsed.TotalSeconds:0.0} s answered by the primary, {attempts} attempt(s) on the standby, /health/ready 200 Degraded");
    }

    private static HttpClient Client(ApiFactory factory, string key)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        return client;
    }

    private static async Task<decimal> RootValueAsync(HttpClient viewer, string figures)
    {
        using var answer = await viewer.GetAsync($"{figures}/rollups/{Year}");
        await answer.ShouldHaveStatus(HttpStatusCode.OK);
        var rollup = await answer.Content.ReadFromJsonAsync<JsonElement>();
        return rollup.GetProperty("values").GetProperty("1.1").GetProperty("value").GetDecimal();
    }
}
