using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Aggregator.Benchmarks.Suite;

/// <summary>One scenario's line: its figure, the same-run baseline, their ratio, the target and whether it is met (null: no verdict).</summary>
internal sealed record ScenarioResult(string Name, string Figure, string Baseline, double? Ratio, string Target, bool? Met, string? Note = null)
{
    /// <summary>Counts the smoke test checks (requests, non-2xx, rows written and expected …); never times.</summary>
    public Dictionary<string, double> Numbers { get; init; } = [];
}

internal static class Results
{
    public static string Machine(string postgresVersion)
    {
        var cpu = ReadFirst("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memory = ReadFirst("/proc/meminfo", "MemTotal") is { } total && long.TryParse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], out var kb)
            ? $"{kb / 1024.0 / 1024.0:F1} GiB" : "?";
        return $"{Environment.ProcessorCount} cores ({cpu}), {memory} RAM, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, PostgreSQL {postgresVersion}";
    }

    public static string Commit()
    {
        var head = Git("rev-parse HEAD");
        if (head is null) return "unknown (not a git checkout)";
        return Git("status --porcelain") is { Length: > 0 } ? $"{head} (dirty: uncommitted changes)" : head;
    }

    public static string Markdown(SuiteOptions options, string machine, string commit, DateTimeOffset started, IReadOnlyList<string> setup, IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("# Benchmark results").AppendLine();
        text.AppendLine("Written by `dotnet run -c Release --project tests/Aggregator.Benchmarks -- all" + (options.Size == "full" ? "" : $" --size {options.Size}") + (options.PgBouncer ? " --pgbouncer" : "") + "`; do not edit by hand.").AppendLine();
        text.AppendLine($"- Date: {started:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine($"- Commit: {commit}");
        text.AppendLine($"- Machine: {machine}");
        text.AppendLine($"- Size: {options.Size}: {options.Tenants} tenant(s) × {options.Units:N0} units × {options.Years} year(s), seed {options.Seed}; " +
                        "API, PostgreSQL and wrk on the same machine; the API in-process (WebApplicationFactory on Kestrel, Release build)");
        if (options.PgBouncer)
            text.AppendLine("- Through PgBouncer: the API's requests and jobs through Debian's PgBouncer 1.18 in transaction mode (pool of 20 " +
                            "server connections, SCRAM), automatic preparation off; LISTEN and Hangfire on the direct connection string");
        foreach (var line in setup) text.AppendLine($"- {line}");
        text.AppendLine();
        text.AppendLine("| scenario | figure | same-run baseline | ratio | target | met |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var result in results)
        {
            var ratio = result.Ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "—";
            var met = result.Met switch { true => "met", false => "**not met**", null => "—" };
            text.AppendLine($"| {result.Name} | {result.Figure} | {result.Baseline} | {ratio} | {result.Target} | {met} |");
        }
        var notes = results.Where(result => result.Note is not null).ToList();
        if (notes.Count > 0)
        {
            text.AppendLine().AppendLine("Notes:").AppendLine();
            foreach (var result in notes) text.AppendLine($"- {result.Name}: {result.Note}");
        }
        return text.ToString();
    }

    /// <summary>
    /// A ratio over a baseline that did nothing on a loaded machine (0 requests/s) is infinite: written as "Infinity"
    /// rather than crashing the suite after every scenario ran.
    /// </summary>
    public static string Json(IReadOnlyList<ScenarioResult> results) => JsonSerializer.Serialize(results,
        new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    /// <summary>The repository's root (holding Aggregator.sln) above the working or the output folder.</summary>
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Aggregator.sln"))) return dir.FullName;
        }
        return null;
    }

    private static string? ReadFirst(string file, string key) =>
        File.Exists(file) ? File.ReadLines(file).Where(line => line.StartsWith(key, StringComparison.Ordinal)).Select(line => line[(line.IndexOf(':') + 1)..].Trim()).FirstOrDefault() : null;

    private static string? Git(string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot() ?? Directory.GetCurrentDirectory(),
            })!;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
