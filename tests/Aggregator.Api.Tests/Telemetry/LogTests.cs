using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Auth;
using Aggregator.Api.Tests.Infrastructure;
using Dapper;

namespace Aggregator.Api.Tests.Telemetry;

/// <summary>
/// The API's console as an operator's log collector reads it: the program started as its own process over the test
/// database (without a Hangfire server: the fixture's runs the jobs), every line it prints kept.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class LogTests(ApiFixture api)
{
    [Fact]
    public async Task Should_write_json_lines_carrying_the_trace_id_of_the_request()
    {
        var adminKey = ApiKeySecret.Generate();
        await using var process = await StartAsync(adminKey, new Dictionary<string, string>
        {
            // "Request starting …" / "Request finished …": one line each way for every request.
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
            // Spans recorded and exported (to nowhere: nothing listens there), as in a deployment with a collector.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
        });
        using var client = process.Client(adminKey);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var parentSpanId = ActivitySpanId.CreateRandom().ToHexString();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tenants");
        request.Headers.Add("traceparent", $"00-{traceId}-{parentSpanId}-01");
        await (await client.SendAsync(request)).ShouldHaveStatus(HttpStatusCode.OK);
        var output = await process.StopAsync();

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var logged = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var ofTheRequest = logged.Where(entry => Scope(entry, "TraceId") == traceId).ToList();
        Assert.Contains(ofTheRequest, entry => entry.GetProperty("Message").GetString()!.Contains("/api/v1/tenants", StringComparison.Ordinal));
        Assert.All(ofTheRequest, entry =>
        {
            // The server's own span, a child of the caller's.
            Assert.Matches("^[0-9a-f]{16}$", Scope(entry, "SpanId"));
            Assert.NotEqual(parentSpanId, Scope(entry, "SpanId"));
            Assert.Equal(parentSpanId, Scope(entry, "ParentId"));
        });
    }

    [Fact]
    public async Task Should_never_log_a_key_even_at_trace_level()
    {
        var adminKey = ApiKeySecret.Generate();
        var madeUp = ApiKeySecret.Generate();
        await using var process = await StartAsync(adminKey, new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Microsoft"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
            ["Logging__LogLevel__Npgsql"] = "Trace",
            ["Logging__LogLevel__Hangfire"] = "Trace",
            ["Logging__LogLevel__FastEndpoints"] = "Trace",
        });
        using var admin = process.Client(adminKey);
        var tenant = TestData.UniqueCode("t");
        await (await admin.PostAsJsonAsync("/api/v1/tenants", new { code = tenant, name = "西城区", kind = "district" })).ShouldHaveStatus(HttpStatusCode.Created);
        var unit = TestData.UniqueCode("u");
        await (await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/org-units", new { code = unit, name = "陶然亭街道", kind = "sub-district", parent = (string?)null }))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-keys", new { orgUnit = unit, role = "reporter", name = "reporter" });
        await created.ShouldHaveStatus(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var (keyId, key) = (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);

        // Used: a report stored (its rollup queued as a Hangfire job), a read, a refused read.
        using var reporter = process.Client(key);
        await (await TestData.PostReportAsync(reporter, tenant, unit, TestData.ReportFor(), idempotencyKey: "first")).ShouldHaveStatus(HttpStatusCode.Created);
        await (await reporter.GetAsync($"/api/v1/tenants/{tenant}/org-units/{unit}")).ShouldHaveStatus(HttpStatusCode.OK);
        await (await reporter.GetAsync($"/api/v1/tenants/{tenant}/api-keys")).ShouldHaveStatus(HttpStatusCode.Forbidden);
        // Revoked, then tried again; a key nobody issued. (Nothing reads a key from a query string, so none is sent there:
        // ASP.NET Core's request lines, when turned on, print the URL as it came.)
        await (await admin.DeleteAsync($"/api/v1/tenants/{tenant}/api-keys/{keyId}")).ShouldHaveStatus(HttpStatusCode.NoContent);
        await (await reporter.GetAsync($"/api/v1/tenants/{tenant}/org-units/{unit}")).ShouldHaveStatus(HttpStatusCode.Unauthorized);
        using var stranger = process.Client(madeUp);
        await (await stranger.GetAsync($"/api/v1/tenants/{tenant}/org-units/{unit}")).ShouldHaveStatus(HttpStatusCode.Unauthorized);
        var output = await process.StopAsync();

        Assert.Contains("/api/v1/tenants", output);
        Assert.True(output.Split('\n').Length > 100, "the run logged at trace level");
        foreach (var secret in new[] { key, adminKey, madeUp })
        {
            var hash = ApiKeySecret.Hash(secret);
            foreach (var form in new[] { secret, Convert.ToHexStringLower(hash), Convert.ToHexString(hash), Convert.ToBase64String(hash) })
                Assert.DoesNotContain(form, output);
        }

        // Nor in what Hangfire keeps of its jobs: arguments, invocation data, states (exception messages).
        await using var connection = await api.AppDataSource.OpenConnectionAsync();
        foreach (var secret in new[] { key, Convert.ToHexStringLower(ApiKeySecret.Hash(key)) })
        {
            var found = await connection.ExecuteScalarAsync<long>("""
                SELECT (SELECT count(*) FROM hangfire.job WHERE strpos(coalesce(arguments::text, '') || coalesce(invocationdata::text, ''), @secret) > 0)
                     + (SELECT count(*) FROM hangfire.state WHERE strpos(coalesce(data::text, '') || coalesce(reason, ''), @secret) > 0)
                """, new { secret });
            Assert.Equal(0, found);
        }
        Assert.True(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM hangfire.job") > 0, "a job was queued");
    }

    private static string? Scope(JsonElement entry, string name) =>
        entry.TryGetProperty("Scopes", out var scopes)
            ? scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(name, out _))
                .Select(s => s.GetProperty(name).GetString()).FirstOrDefault()
            : null;

    private async Task<LoggedApi> StartAsync(string adminKey, IReadOnlyDictionary<string, string> logging)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Aggregator"] = api.Postgres.AppConnectionString,
            ["Aggregator__BootstrapAdminKey"] = adminKey,
            ["Aggregator__Jobs__RunServer"] = "false",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        };
        foreach (var (name, value) in logging) environment[name] = value;
        var process = AppProcess.Start(AppProcess.ApiAssembly, environment);
        return new LoggedApi(process, await process.ListeningAsync());
    }

    private sealed class LoggedApi(AppProcess process, Uri address) : IAsyncDisposable
    {
        public HttpClient Client(string key)
        {
            var client = new HttpClient { BaseAddress = address };
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            return client;
        }

        /// <summary>SIGTERM, then everything it printed until it exited.</summary>
        public async Task<string> StopAsync()
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
                await term.WaitForExitAsync();
            await process.WaitForExitAsync(TimeSpan.FromMinutes(1));
            return process.Output;
        }

        public ValueTask DisposeAsync() => process.DisposeAsync();
    }
}
