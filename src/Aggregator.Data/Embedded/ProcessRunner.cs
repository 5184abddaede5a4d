using System.Diagnostics;

namespace Aggregator.Data.Embedded;

public sealed record ProcessResult(int ExitCode, string Output);

/// <summary>Runs the PostgreSQL command-line tools, as the postgres user when this process is root.</summary>
internal static class ProcessRunner
{
    public static bool IsRoot { get; } = Environment.UserName == "root";

    public static async Task<ProcessResult> RunAsync(
        string file, IReadOnlyList<string> arguments, CancellationToken ct,
        bool asPostgresUser = false, bool throwOnFailure = true)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgresUser && IsRoot)
        {
            start.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", file }) start.ArgumentList.Add(a);
        }
        else
        {
            start.FileName = file;
        }
        foreach (var a in arguments) start.ArgumentList.Add(a);

        using var process = Process.Start(start) ?? throw new EmbeddedPostgresException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var output = (await stdout) + (await stderr);
        if (throwOnFailure && process.ExitCode != 0)
            throw new EmbeddedPostgresException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {output.Trim()}");
        return new ProcessResult(process.ExitCode, output);
    }
}
