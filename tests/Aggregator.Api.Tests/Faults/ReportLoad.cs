using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Faults;

/// <summary>One report a load client posts: the unit, its "1.1" (which tells the versions apart) and its Idempotency-Key.</summary>
public sealed record PlannedReport(string Org, decimal Value, string IdempotencyKey);

/// <summary>What became of a planned report: its final status (null: never answered), and what it met on the way.</summary>
public sealed record LoadOutcome(PlannedReport Report, int? Status, int Attempts, int ServerErrors, int ConnectionErrors)
{
    /// <summary>Each 5xx met, as "status content-type Retry-After".</summary>
    public IReadOnlyList<string> ServerErrorAnswers { get; init; } = [];

    /// <summary>When the last attempt was sent and when it was answered (Stopwatch timestamps), to time a fault's gap.</summary>
    public long Sent { get; init; }

    public long Answered { get; init; }

    public bool Acknowledged => Status is >= 200 and < 300;
}

/// <summary>
/// Clients that post reports as a careful client does: each report with its Idempotency-Key, sent again with
/// the same key after a 5xx, a 409 (the first attempt still in flight) or a broken connection, after Retry-After.
/// </summary>
public static class ReportLoad
{
    public const int MaxAttempts = 60;

    /// <summary>A tenant for a load: <paramref name="units"/> reporting units below its root, and a tenant-admin key of the root.</summary>
    public static async Task<(string Tenant, Guid TenantId, List<string> Units, string Key)> TenantAsync(ApiFixture api, int units)
    {
        var data = new TestData(api);
        var rows = new Rollups.ReportRows(api);
        var tenant = await data.TenantAsync();
        var tenantId = await data.TenantIdAsync(tenant);
        var root = await rows.UnitAsync(tenantId, tenant);
        var codes = new List<string>();
        for (var i = 0; i < units; i++) codes.Add((await rows.AddUnitAsync(tenantId, root, reports: true)).Code);
        return (tenant, tenantId, codes, (await data.KeyAsync(tenant, tenant, "tenant-admin")).Key);
    }

    /// <summary>Each client posts its own list in order; <paramref name="acknowledged"/> is told each 2xx as it comes.</summary>
    public static async Task<IReadOnlyList<LoadOutcome>> RunAsync(string tenant, int year, IReadOnlyList<HttpClient> clients,
        IReadOnlyList<IReadOnlyList<PlannedReport>> plans, Action? acknowledged = null)
    {
        var runs = clients.Zip(plans, async (client, plan) =>
        {
            var outcomes = new List<LoadOutcome>(plan.Count);
            foreach (var report in plan)
            {
                var outcome = await PostAsync(client, tenant, year, report);
                if (outcome.Acknowledged) acknowledged?.Invoke();
                outcomes.Add(outcome);
            }
            return outcomes;
        });
        return (await Task.WhenAll(runs)).SelectMany(outcomes => outcomes).ToList();
    }

    private static async Task<LoadOutcome> PostAsync(HttpClient client, string tenant, int year, PlannedReport report)
    {
        int serverErrors = 0, connectionErrors = 0;
        var serverErrorAnswers = new List<string>();
        int? status = null;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            TimeSpan wait;
            var sent = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                using var answer = await TestData.PostReportAsync(client, tenant, report.Org, TestData.ReportFor().With("1.1", report.Value),
                    year, idempotencyKey: report.IdempotencyKey);
                status = (int)answer.StatusCode;
                if (answer.IsSuccessStatusCode)
                    return new LoadOutcome(report, status, attempt, serverErrors, connectionErrors)
                    {
                        ServerErrorAnswers = serverErrorAnswers, Sent = sent, Answered = System.Diagnostics.Stopwatch.GetTimestamp(),
                    };
                if (status < 500 && answer.StatusCode != HttpStatusCode.Conflict)
                    throw new InvalidOperationException($"{report}: {status} {await answer.Content.ReadAsStringAsync()}");
                if (status >= 500)
                {
                    serverErrors++;
                    serverErrorAnswers.Add($"{status} {answer.Content.Headers.ContentType?.MediaType} Retry-After={answer.Headers.RetryAfter?.Delta?.TotalSeconds}");
                }
                wait = answer.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(200);
            }
            catch (HttpRequestException)
            {
                connectionErrors++;
                status = null;
                wait = TimeSpan.FromMilliseconds(200);
            }
            // A client's back-off, as Retry-After asks; not a guess at when the server is done.
            await Task.Delay(wait);
        }
        return new LoadOutcome(report, status, MaxAttempts, serverErrors, connectionErrors) { ServerErrorAnswers = serverErrorAnswers };
    }

    /// <summary>The report's number in the answer's body, for the record.</summary>
    public static async Task<int> VersionOf(HttpResponseMessage answer) =>
        (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
}
