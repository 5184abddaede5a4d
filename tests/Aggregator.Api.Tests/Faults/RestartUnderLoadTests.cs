using System.Net;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Aggregator.Api.Tests.Faults;

/// <summary>PostgreSQL restarted (pg_ctl restart -m fast) while clients post reports: nothing lost, nothing twice, nothing half.</summary>
[Collection(SlowTests.Collection)]
public sealed class RestartUnderLoadTests(ITestOutputHelper output)
{
    private const int Clients = 16;
    private const int Units = 100;
    private const int VersionsPerUnit = 10;
    private const int Year = SeedReport.Year;
    private static readonly int[] RestartAfterAcknowledged = [250, 600];

    [SkippableFact]
    public async Task Should_store_every_acknowledged_report_exactly_once_when_postgres_restarts_under_sixteen_clients()
    {
        SlowTests.Require();
        var api = ApiFixture.With(new Dictionary<string, string?> { ["Aggregator:Database:RetryAfter"] = "00:00:01" });
        await api.InitializeAsync();
        try
        {
            await RestartUnderLoadAsync(api);
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    private async Task RestartUnderLoadAsync(ApiFixture api)
    {
        var (tenant, tenantId, units, key) = await ReportLoad.TenantAsync(api, Units);

        // Client c posts the versions of the units c, c + 16, …: one writer per report, each version a new "1.1".
        var plans = Enumerable.Range(0, Clients).Select(client => (IReadOnlyList<PlannedReport>)units
            .Where((_, index) => index % Clients == client)
            .SelectMany(org => Enumerable.Range(1, VersionsPerUnit).Select(v => new PlannedReport(org, 1000 + v, $"{org}-v{v}")))
            .ToList()).ToList();
        var clients = Enumerable.Range(0, Clients).Select(_ => api.Client(key)).ToList();

        var acknowledged = 0;
        var restarts = 0;
        var restarting = Task.Run(async () =>
        {
            foreach (var threshold in RestartAfterAcknowledged)
            {
                while (Volatile.Read(ref acknowledged) < threshold) await Task.Delay(20);
                await api.Postgres.RestartAsync();
                Interlocked.Increment(ref restarts);
            }
        });
        var outcomes = await ReportLoad.RunAsync(tenant, Year, clients, plans, () => Interlocked.Increment(ref acknowledged));
        await restarting;

        // Every version whole, none twice, each acknowledged report stored once and in its order.
        var versions = await StoredReports.VersionsAsync(api.TenantDb, tenantId, Year);
        var stored = versions.Values.Sum(list => list.Count);
        Assert.Empty(await StoredReports.InconsistenciesAsync(api.TenantDb, tenantId, Year));
        foreach (var outcome in outcomes)
        {
            var copies = versions.GetValueOrDefault(outcome.Report.Org)?.Count(value => value == outcome.Report.Value) ?? 0;
            Assert.True(outcome.Acknowledged ? copies == 1 : copies <= 1, $"{outcome}: stored {copies} times");
        }
        foreach (var (org, values) in versions)
            Assert.Equal(values.Order(), values);

        // The API recovered by itself: a new report is stored at the first attempt.
        await (await TestData.PostReportAsync(clients[0], tenant, units[0], TestData.ReportFor().With("1.1", 2000), Year))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var retries = api.Factory.Services.GetRequiredService<DatabaseRetry>().Retries;
        output.WriteLine($"faults: {restarts} restarts (pg_ctl restart -m fast) under {Clients} clients posting {outcomes.Count} reports; " +
                         $"acknowledged {outcomes.Count(o => o.Acknowledged)}, stored {stored} versions, " +
                         $"5xx answers {outcomes.Sum(o => o.ServerErrors)}, broken connections {outcomes.Sum(o => o.ConnectionErrors)}, " +
                         $"client retries {outcomes.Sum(o => o.Attempts - 1)}, server retries (Polly) {retries}");
        Assert.Equal(RestartAfterAcknowledged.Length, restarts);
        // A fault the server could not retry away is a 503 problem with Retry-After, never a 500.
        Assert.All(outcomes.SelectMany(o => o.ServerErrorAnswers), answer => Assert.Equal("503 application/problem+json Retry-After=1", answer));
        Assert.All(outcomes, outcome => Assert.True(outcome.Acknowledged, $"{outcome} was never acknowledged"));
        Assert.Equal(Units * VersionsPerUnit, stored);
    }
}
