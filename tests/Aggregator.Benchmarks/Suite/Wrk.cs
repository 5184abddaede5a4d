using System.Diagnostics;
using System.Text.Json;

namespace Aggregator.Benchmarks.Suite;

/// <summary>What wrk counted: requests completed, responses ≥ 400, socket errors, latency percentiles (ms).</summary>
internal sealed record WrkResult(long Requests, double Seconds, long Non2xx, long SocketErrors, double P50Ms, double P99Ms, double MaxMs)
{
    public double PerSecond => Requests / Seconds;
}

/// <summary>
/// wrk (Debian's package) found on PATH or installed with apt-get; every run gets a Lua script whose done()
/// prints the summary as one JSON line, so nothing parses wrk's human output.
/// </summary>
internal sealed class Wrk(string executable)
{
    private const string Marker = "BENCH_JSON ";

    private const string Done = """

        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format('BENCH_JSON {"requests":%d,"duration_us":%d,"non2xx":%d,"socket":%d,"p50":%d,"p99":%d,"max":%d}\n',
            summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
            latency:percentile(50), latency:percentile(99), latency.max))
        end
        """;

    public static async Task<Wrk?> FindOrInstallAsync(bool install, TextWriter log)
    {
        if (Find() is { } found) return new Wrk(found);
        if (!install) return null;
        log.WriteLine("wrk is not on PATH; installing Debian's package (apt-get install -y wrk)…");
        if (!await RunAsync("apt-get", "install -y -qq wrk") && !(await RunAsync("apt-get", "update -qq") && await RunAsync("apt-get", "install -y -qq wrk")))
            return null;
        return Find() is { } installed ? new Wrk(installed) : null;
    }

    public const string Missing = "wrk was not found on PATH and `apt-get install -y wrk` failed (it needs root and Debian's package lists). " +
                                  "Install wrk (https://github.com/wg/wrk) and run again.";

    /// <param name="script">Lua defining request (or setting wrk.method/headers/body); done() is appended here.</param>
    public async Task<WrkResult> RunAsync(string url, int connections, TimeSpan duration, string script, string workDirectory)
    {
        var scriptFile = Path.Combine(workDirectory, $"wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(scriptFile, script + Done);
        var threads = Math.Min(connections, Math.Max(1, Environment.ProcessorCount));
        var start = new ProcessStartInfo(executable, ["-t", $"{threads}", "-c", $"{connections}", "-d", $"{Math.Max(1, (int)duration.TotalSeconds)}s",
                                                        "--timeout", "10s", "-s", scriptFile, url])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = (await output).Split('\n').FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"wrk printed no summary (exit {process.ExitCode}): {await output}{await errors}");
        var json = JsonDocument.Parse(line[Marker.Length..]).RootElement;
        return new WrkResult(json.GetProperty("requests").GetInt64(), json.GetProperty("duration_us").GetInt64() / 1e6,
            json.GetProperty("non2xx").GetInt64(), json.GetProperty("socket").GetInt64(),
            json.GetProperty("p50").GetInt64() / 1000.0, json.GetProperty("p99").GetInt64() / 1000.0, json.GetProperty("max").GetInt64() / 1000.0);
    }

    /// <summary>A Lua string literal that survives any JSON (long brackets).</summary>
    public static string Lua(string text) => $"[==[{text}]==]";

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "wrk")).FirstOrDefault(File.Exists);

    private static async Task<bool> RunAsync(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true,
                Environment = { ["DEBIAN_FRONTEND"] = "noninteractive" } })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            await output; await errors;
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
