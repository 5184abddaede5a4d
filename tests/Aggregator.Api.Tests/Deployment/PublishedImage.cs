using System.Diagnostics;
using System.Text.RegularExpressions;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data.Embedded;

namespace Aggregator.Api.Tests.Deployment;

/// <summary>
/// What <c>docker build -f deploy/Dockerfile .</c> would produce, made without Docker: the build stage's COPY
/// instructions copy the repository (less what .dockerignore keeps out) into a fresh source folder, its
/// <c>dotnet</c> RUN lines run there as written (with <c>/app</c> moved to a temporary folder), and the final
/// stage's entrypoint script is copied beside the published programs. Also a throwaway PostgreSQL cluster to
/// stand in for compose's postgres service. Made once per test class: publishing takes a while.
/// </summary>
public sealed class PublishedImage : IAsyncLifetime
{
    private const string ImageRoot = "/app";

    private readonly string _folder = Directory.CreateTempSubdirectory("aggregator-image-").FullName;

    public string Source => Path.Combine(_folder, "source");
    public string App => Path.Combine(_folder, "app");
    private ScratchCluster? _cluster;

    public EmbeddedPostgres Postgres => _cluster!.Postgres;
    public DockerStage Final { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var stages = DeploymentFiles.Dockerfile();
        var (build, final) = (stages[0], stages[^1]);
        Final = final;
        Directory.CreateDirectory(Source);
        Directory.CreateDirectory(App);

        foreach (var instruction in build.Instructions)
        {
            switch (instruction.Keyword)
            {
                case "COPY":
                    CopyFromContext(instruction, Source);
                    break;
                case "RUN":
                    await RunAsync(instruction.Argument);
                    break;
                case "WORKDIR" or "ARG" or "ENV":
                    break;
                default:
                    throw new InvalidOperationException($"The build stage has {instruction.Keyword}, which this test does not know how to do.");
            }
        }
        foreach (var copy in final.All("COPY").Where(c => !c.Has("--from=")))
            CopyFromContext(copy, App);

        _cluster = await ScratchCluster.StartAsync("aggregator-image-postgres");
    }

    /// <summary>A path inside the image, on this machine.</summary>
    public string OnDisk(string imagePath) =>
        imagePath == ImageRoot || imagePath.StartsWith(ImageRoot + "/", StringComparison.Ordinal)
            ? Path.Combine(App, imagePath[ImageRoot.Length..].TrimStart('/'))
            : throw new InvalidOperationException($"{imagePath} is not under {ImageRoot}");

    /// <summary>Starts the image's entrypoint with a container's command and environment (the image's ENV under it).</summary>
    public AppProcess Start(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment)
    {
        var entrypoint = Final.Single("ENTRYPOINT").ExecForm;
        var arguments = entrypoint.Skip(1).Concat(command.Count > 0 ? command : Final.Single("CMD").ExecForm);
        var merged = new Dictionary<string, string>(Final.Environment);
        foreach (var (name, value) in environment) merged[name] = value;
        return AppProcess.StartProgram(OnDisk(entrypoint[0]), arguments, merged, OnDisk(Final.Single("WORKDIR").Argument));
    }

    private void CopyFromContext(DockerInstruction copy, string root)
    {
        var words = copy.Words;
        var (sources, destination) = (words[..^1], words[^1]);
        var ignored = DockerIgnore.Load(RepositoryPaths.Of(".dockerignore"));
        foreach (var source in sources)
        {
            var from = RepositoryPaths.Of(source.TrimEnd('/'));
            var to = destination.StartsWith(ImageRoot, StringComparison.Ordinal) ? OnDisk(destination) : Path.Combine(root, destination);
            if (Directory.Exists(from))
            {
                foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
                {
                    var relative = Path.GetRelativePath(RepositoryPaths.Root, file);
                    if (ignored.Excludes(relative)) continue;
                    var target = Path.Combine(to, Path.GetRelativePath(from, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(file, target, overwrite: true);
                }
            }
            else if (File.Exists(from))
            {
                var target = destination.EndsWith('/') || destination == "./" ? Path.Combine(to, Path.GetFileName(from)) : to;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(from, target, overwrite: true);
                if (Regex.Match(copy.Argument, "--chmod=([0-7]+)") is { Success: true } chmod)
                    File.SetUnixFileMode(target, (UnixFileMode)Convert.ToInt32(chmod.Groups[1].Value, 8));
            }
            else
            {
                throw new InvalidOperationException($"COPY {source}: no such file or folder in the build context");
            }
        }
    }

    private async Task RunAsync(string commandLine)
    {
        var words = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words[0] != "dotnet" || words.Any(w => w is "&&" or "||" or ";" or "|"))
            throw new InvalidOperationException($"RUN {commandLine}: only single dotnet commands are run by this test");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Source, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var word in words.Skip(1)) start.ArgumentList.Add(word.StartsWith(ImageRoot, StringComparison.Ordinal) ? OnDisk(word) : word);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"RUN {commandLine} failed ({process.ExitCode}):\n{await output}{await errors}");
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The forms of .dockerignore pattern this repository uses: <c>**/name/</c>, <c>**/name</c>, <c>name/</c>, <c>*.ext</c>.</summary>
public sealed class DockerIgnore(IReadOnlyList<string> patterns)
{
    public static DockerIgnore Load(string file) => new(File.ReadAllLines(file)
        .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList());

    public bool Excludes(string relativePath)
    {
        var segments = relativePath.Replace('\\', '/').Split('/');
        foreach (var pattern in patterns)
        {
            var anywhere = pattern.StartsWith("**/", StringComparison.Ordinal);
            var name = anywhere ? pattern[3..] : pattern;
            var folder = name.EndsWith('/');
            name = name.TrimEnd('/');
            if (name.Contains('/')) throw new InvalidOperationException($".dockerignore pattern {pattern} is of a form this test does not read");
            var glob = new Regex("^" + Regex.Escape(name).Replace(@"\*", "[^/]*") + "$");
            string[] candidates = (anywhere, folder) switch
            {
                (true, true) => segments[..^1],
                (true, false) => segments,
                (false, true) => segments.Length > 1 ? segments[..1] : [],
                (false, false) => segments.Length == 1 ? segments : [],
            };
            if (candidates.Any(glob.IsMatch)) return true;
        }
        return false;
    }
}
