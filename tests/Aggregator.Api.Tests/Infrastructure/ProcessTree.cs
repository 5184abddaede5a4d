using System.Diagnostics;
using System.Globalization;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>
/// Processes as Linux's /proc shows them, for tests that must find and end everything a program started (a
/// pg_autoctl keeper forks its services, which start PostgreSQL, whose backends leave the keeper's process group),
/// and the one way those tests run a command and read what it printed.
/// </summary>
public static class ProcessTree
{
    /// <summary><paramref name="root"/> and every process below it, as they are now.</summary>
    public static List<int> Of(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var pid in All())
        {
            try
            {
                var parent = int.Parse(StatFields(pid)[1], CultureInfo.InvariantCulture);
                if (!children.TryGetValue(parent, out var siblings)) children[parent] = siblings = [];
                siblings.Add(pid);
            }
            catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
            {
                // Exited meanwhile.
            }
        }
        var found = new List<int>();
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            found.Add(pid);
            foreach (var child in children.GetValueOrDefault(pid) ?? []) pending.Push(child);
        }
        return found;
    }

    /// <summary>
    /// The postgres processes whose working folder is <paramref name="directory"/> (PostgreSQL chdirs to its data
    /// folder): the postmaster and its backends, even orphaned.
    /// </summary>
    public static List<int> PostgresWorkingIn(string directory)
    {
        var found = new List<int>();
        foreach (var pid in All())
        {
            try
            {
                if (File.ResolveLinkTarget($"/proc/{pid}/cwd", returnFinalTarget: false)?.FullName == directory
                    && File.ReadAllText($"/proc/{pid}/comm").Trim() == "postgres")
                    found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited meanwhile, or another user's process: not one of these.
            }
        }
        return found;
    }

    /// <summary>Alive, and not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            return StatFields(pid)[0] != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static Task<string> RunAsync(string program, IEnumerable<string> arguments, bool throwOnFailure = true)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return RunAsync(start, throwOnFailure);
    }

    /// <summary>Runs a command to its end; its output and errors together, or an exception with them when it failed.</summary>
    public static async Task<string> RunAsync(ProcessStartInfo start, bool throwOnFailure)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output + await errors;
        if (throwOnFailure && process.ExitCode != 0)
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}):\n{text}");
        return text;
    }

    private static IEnumerable<int> All() =>
        Directory.EnumerateDirectories("/proc").Select(entry => int.TryParse(Path.GetFileName(entry), out var pid) ? pid : 0).Where(pid => pid > 0);

    /// <summary>/proc/pid/stat after "pid (comm) ": state, ppid, … (comm may hold spaces and parentheses: read after the last ')').</summary>
    private static string[] StatFields(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }
}
