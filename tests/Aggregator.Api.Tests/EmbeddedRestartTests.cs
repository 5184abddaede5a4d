using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Aggregator.Api.Tests;

/// <summary>
/// The one-command run keeps its PostgreSQL up: when the postmaster dies (kill -9, the OOM killer) the API starts the
/// cluster again on the same folder and port, and answers again within seconds, without an operator.
/// </summary>
public sealed partial class EmbeddedRestartTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"aggregator-restart-{Guid.NewGuid():N}");

    [Fact]
    public async Task Should_answer_again_within_10_seconds_after_its_postmaster_is_killed_and_stop_it_cleanly_on_sigterm()
    {
        await using var api = AppProcess.Start(AppProcess.ApiAssembly, new Dictionary<string, string>
        {
            ["ConnectionStrings__Aggregator"] = "",
            ["Aggregator__DataDirectory"] = _dataDirectory,
        }, "--urls", "http://127.0.0.1:0");
        var listening = await api.WaitForLineAsync(line => line.Contains("Now listening on", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
        var baseAddress = new Uri(ListeningUrl().Match(listening).Value);
        var adminKey = (await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "bootstrap-admin-key"))).Trim();
        using var admin = Client(baseAddress, adminKey);
        var (tenant, unit) = (TestData.UniqueCode("t"), TestData.UniqueCode("u"));
        await (await admin.PostAsJsonAsync("/api/v1/tenants", new { code = tenant, name = "西城区", kind = "district" })).ShouldHaveStatus(HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/org-units", new { code = unit, name = "陶然亭街道", kind = "sub-district", parent = tenant }))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-keys", new { orgUnit = unit, role = "reporter", name = "陶然亭街道 reporting system" });
        await created.ShouldHaveStatus(HttpStatusCode.Created);
        var reporterKey = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using var reporter = Client(baseAddress, reporterKey);
        // While the database is down a request may wait on it: asked again rather than waited for.
        using var impatient = Client(baseAddress, reporterKey, TimeSpan.FromSeconds(2));
        await (await TestData.PostReportAsync(reporter, tenant, unit, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);
        var report = TestData.ReportPath(tenant, unit);
        await (await reporter.GetAsync(report)).ShouldHaveStatus(HttpStatusCode.OK);

        var pidFile = Path.Combine(_dataDirectory, "pg", "postmaster.pid");
        var killed = int.Parse((await File.ReadAllLinesAsync(pidFile))[0], CultureInfo.InvariantCulture);
        using (var postmaster = Process.GetProcessById(killed)) postmaster.Kill();
        var clock = Stopwatch.StartNew();

        var (readStatus, readAfter) = await FirstAsync(() => impatient.GetAsync(report), HttpStatusCode.OK, clock);
        // A retry with the same Idempotency-Key stores at most one version, whichever attempt got through.
        var (postStatus, postAfter) = await FirstAsync(
            () => TestData.PostReportAsync(impatient, tenant, unit, TestData.ReportFor().With("7", 1), idempotencyKey: "after-the-crash"),
            HttpStatusCode.Created, clock);
        output.WriteLine($"postmaster {killed} killed; the report read again after {readAfter.TotalMilliseconds:F0} ms, " +
                         $"a new version stored after {postAfter.TotalMilliseconds:F0} ms");

        Assert.Equal(HttpStatusCode.OK, readStatus);
        Assert.Equal(HttpStatusCode.Created, postStatus);
        Assert.True(postAfter < Budget, $"back after {postAfter}");
        var current = await reporter.GetFromJsonAsync<JsonElement>(report);
        Assert.Equal(2, current.GetProperty("version").GetInt32());
        var restarted = int.Parse((await File.ReadAllLinesAsync(pidFile))[0], CultureInfo.InvariantCulture);
        Assert.NotEqual(killed, restarted);
        var restartLine = await api.WaitForLineAsync(line => line.Contains("is back after", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        output.WriteLine(restartLine);
        Assert.Equal("Warning", JsonDocument.Parse(restartLine).RootElement.GetProperty("LogLevel").GetString());

        // SIGTERM: PostgreSQL is stopped with the API, and not taken for a crash and started again.
        using (var term = Process.Start("kill", ["-TERM", api.Id.ToString(CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
        Assert.Equal(0, await api.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.False(File.Exists(pidFile), "PostgreSQL was stopped with the API");
        Assert.Single(api.Output.Split('\n'), line => line.Contains("is down (its postmaster has exited)", StringComparison.Ordinal));
    }

    /// <summary>Asks again every 100 ms until the answer has <paramref name="expected"/> status or the budget is spent.</summary>
    private static async Task<(HttpStatusCode Status, TimeSpan After)> FirstAsync(Func<Task<HttpResponseMessage>> ask, HttpStatusCode expected, Stopwatch clock)
    {
        var last = (HttpStatusCode)0;
        while (clock.Elapsed < Budget)
        {
            try
            {
                using var response = await ask();
                last = response.StatusCode;
                if (last == expected) return (last, clock.Elapsed);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The API itself stays up; a refused connection would be a failure below, not a reason to stop asking.
            }
            await Task.Delay(100);
        }
        return (last, clock.Elapsed);
    }

    private static HttpClient Client(Uri baseAddress, string key, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromMinutes(1) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningUrl();
}
