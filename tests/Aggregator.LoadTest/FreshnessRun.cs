using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.LoadTest;

/// <summary>
/// How long after a POST returns 201 the district's rollup includes it: one version at a time, each
/// changing 9.3 (接受培训人员数) of one unit, then GET …/rollups/{year} of the root every 10 ms until the
/// total matches and the figures are not stale.
/// </summary>
internal sealed class FreshnessRun(HttpClient admin, string tenant, IReadOnlyList<(string Code, string Key)> units)
{
    private const int Year = 2017;

    public async Task<RunResult> RunAsync(int posts, HttpClient reporterClient)
    {
        var values = SeedReport.Values.ToDictionary(pair => pair.Key, pair => pair.Value);
        // Every unit back to the seed report (the load runs left each with figures of their own); the total starts from there.
        foreach (var unit in units) (await PostAsync(reporterClient, unit, values)).EnsureSuccessStatusCode();
        var trained = units.ToDictionary(unit => unit.Code, _ => values["9.3"]!.Value);
        var latencies = new List<double>();
        var failures = 0;
        var clock = Stopwatch.StartNew();
        for (var post = 0; post < posts; post++)
        {
            var unit = units[post % units.Count];
            trained[unit.Code] = 1000 + post;
            values["9.3"] = trained[unit.Code];
            var expected = trained.Values.Sum();

            using var response = await PostAsync(reporterClient, unit, values);
            response.EnsureSuccessStatusCode();
            var stored = Stopwatch.GetTimestamp();

            if (await WaitForTotalAsync(expected, TimeSpan.FromSeconds(30)))
                latencies.Add(Stopwatch.GetElapsedTime(stored).TotalMilliseconds);
            else
                failures++;
        }
        return new RunResult(clock.Elapsed, latencies, failures);
    }

    private async Task<HttpResponseMessage> PostAsync(HttpClient client, (string Code, string Key) unit, IReadOnlyDictionary<string, decimal?> values)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tenants/{tenant}/org-units/{unit.Code}/reports/{Year}/versions")
        {
            Content = JsonContent.Create(new { template = SeedReport.Template, values }),
        };
        request.Headers.Add("X-Api-Key", unit.Key);
        return await client.SendAsync(request);
    }

    private async Task<bool> WaitForTotalAsync(decimal expected, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var response = await admin.GetAsync($"/api/v1/tenants/{tenant}/org-units/{tenant}/rollups/{Year}");
            if (response.IsSuccessStatusCode)
            {
                var rollup = await response.Content.ReadFromJsonAsync<JsonElement>();
                var total = rollup.GetProperty("values").TryGetProperty("9.3", out var cell) ? cell.GetProperty("value").GetDecimal() : -1;
                if (total == expected && !rollup.GetProperty("stale").GetBoolean()) return true;
            }
            await Task.Delay(10);
        }
        return false;
    }
}
