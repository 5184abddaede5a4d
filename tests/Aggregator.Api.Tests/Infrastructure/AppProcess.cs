using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>
/// One of the service's programs (the API or the worker) started as its own process, as an operator starts
/// it, with everything it prints kept: what a user sees on the console is what these tests read.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _output = new();
    private int _openStreams = 2;

    private AppProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Every line read so far by <see cref="WaitForLineAsync"/> or <see cref="WaitForExitAsync"/>.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The API's entry assembly beside the tests (copied with its runtimeconfig and templates).</summary>
    public static string ApiAssembly => Path.Combine(AppContext.BaseDirectory, "Aggregator.Api.dll");

    /// <summary>The worker, built with the solution (the tests' project references it for the build order only).</summary>
    public static string WorkerAssembly
    {
        get
        {
            // …/tests/Aggregator.Api.Tests/bin/{Configuration}/{tfm}/
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = output.Parent!.Name;
            return RepositoryPaths.Of("src", "Aggregator.Worker", "bin", configuration, output.Name, "Aggregator.Worker.dll");
        }
    }

    public static AppProcess Start(string assembly, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        if (!File.Exists(assembly)) throw new InvalidOperationException($"{assembly} is not built: build Aggregator.sln first.");
        return StartProgram("dotnet", [assembly, .. arguments], environment, Path.GetDirectoryName(assembly)!);
    }

    /// <summary>Any program (e.g. the container image's entrypoint script), with the same environment hygiene.</summary>
    public static AppProcess StartProgram(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The test host's own settings (environment name, URLs) must not leak into the program.
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var process = new Process { StartInfo = start };
        var app = new AppProcess(process);
        process.OutputDataReceived += (_, e) => app.Receive(e.Data);
        process.ErrorDataReceived += (_, e) => app.Receive(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Reads the output until a line matches; fails with everything printed if the program exits first or takes too long.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(cancel.Token))
            {
                Keep(line);
                if (match(line)) return line;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching line within {timeout}. Output:\n{Output}");
        }
        throw new InvalidOperationException($"The program exited ({_process.ExitCode}) before printing the line looked for. Output:\n{Output}");
    }

    /// <summary>Waits for the program to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(cancel.Token)) Keep(line);
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The program did not exit within {timeout}. Output:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the program gets no chance to clean up, as when it crashes or is killed by the OOM killer.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Receive(string? line)
    {
        if (line is not null) _lines.Writer.TryWrite(line);
        else if (Interlocked.Decrement(ref _openStreams) == 0) _lines.Writer.TryComplete();
    }

    private void Keep(string line)
    {
        lock (_output) _output.AppendLine(line);
    }
}
