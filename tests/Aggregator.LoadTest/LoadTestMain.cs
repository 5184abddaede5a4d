using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.LoadTest;

/// <summary>Stores full seed reports through the API at a given concurrency, then the same rows with bare Npgsql.</summary>
internal static class LoadTestMain
{
    private static async Task Main(string[] args)
    {
        // dotnet run -c Release --project tests/Aggregator.LoadTest -- [seconds=20] [concurrency=16] [units=64]
        var seconds = args.Length > 0 ? int.Parse(args[0]) : 20;
        var concurrency = args.Length > 1 ? int.Parse(args[1]) : 16;
        var unitCount = args.Length > 2 ? int.Parse(args[2]) : 64;

        await using var load = await LoadApi.StartAsync();
        var admin = load.Api.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", LoadApi.AdminKey);

        var tenant = $"load{Environment.ProcessId}";
        await Ok(admin.PostAsJsonAsync("/api/v1/tenants", new { code = tenant, name = "西城区", kind = "district" }));
        var units = new List<(string Code, string Key)>();
        for (var index = 0; index < unitCount; index++)
        {
            var code = $"{tenant}-{index:D3}";
            await Ok(admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/org-units", new { code, name = $"街道{index}", kind = "sub-district" }));
            var key = await Ok(admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-keys", new { orgUnit = code, role = "reporter", name = "load" }));
            units.Add((code, key.GetProperty("key").GetString()!));
        }

        var values = SeedReport.Values.ToDictionary(pair => pair.Key, pair => pair.Value);
        // 9.3 (people trained) carries a counter, so that every POST is a new version.
        string BodyFor(long sequence) =>
            JsonSerializer.Serialize(new { template = SeedReport.Template, values = new Dictionary<string, decimal?>(values) { ["9.3"] = sequence } });
        Console.WriteLine($"API: {concurrency} writers, {seconds} s, {unitCount} units, full {SeedReport.Template} report of {values.Count} values per POST");

        var http = new ApiRun(load.Api.CreateClient(), tenant, units, BodyFor);
        await http.RunAsync(TimeSpan.FromSeconds(2), concurrency); // warm-up: JIT, auto-prepared statements, pool
        var api = await http.RunAsync(TimeSpan.FromSeconds(seconds), concurrency);
        Console.WriteLine($"API      : {api.Count} reports stored in {api.Elapsed.TotalSeconds:F1} s = {api.PerSecond:F0} reports/s; " +
                          $"p50 {api.Percentile(50):F1} ms, p95 {api.Percentile(95):F1} ms, p99 {api.Percentile(99):F1} ms; failures {api.Failures}");

        var bare = new BareNpgsqlRun(load.Postgres.AppConnectionString, tenant, units.Select(u => u.Code).ToList(), values);
        await bare.PrepareAsync();
        await bare.RunAsync(TimeSpan.FromSeconds(2), concurrency);
        var sql = await bare.RunAsync(TimeSpan.FromSeconds(seconds), concurrency);
        var rowsPerReport = 1 + values.Count; // one report_versions row + one report_values row per indicator
        Console.WriteLine($"Npgsql   : {sql.Count} reports in {sql.Elapsed.TotalSeconds:F1} s = {sql.PerSecond:F0} reports/s " +
                          $"({sql.PerSecond * rowsPerReport:F0} rows/s); p50 {sql.Percentile(50):F1} ms, p95 {sql.Percentile(95):F1} ms; failures {sql.Failures}");
        Console.WriteLine($"API / bare: {api.PerSecond / sql.PerSecond:P0}");

        // Freshness: the in-process Hangfire server picks up the rollup job; how soon does a post show?
        var freshness = await new FreshnessRun(admin, tenant, units).RunAsync(posts: 60, load.Api.CreateClient());
        Console.WriteLine($"Freshness: {freshness.Count} posts, post→rollup p50 {freshness.Percentile(50):F0} ms, " +
                          $"p95 {freshness.Percentile(95):F0} ms, max {freshness.LatenciesMs.DefaultIfEmpty().Max():F0} ms; not seen in 30 s: {freshness.Failures}");
    }

    private static async Task<JsonElement> Ok(Task<HttpResponseMessage> request)
    {
        var response = await request;
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
