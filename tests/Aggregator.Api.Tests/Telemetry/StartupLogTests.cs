using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Telemetry;

/// <summary>
/// The README's run command prints one log format from its first line: JSON objects, one a line (outside
/// Development), including what is logged before the host is built (the embedded PostgreSQL's start) and a refusal to
/// start; PostgreSQL's own output stays in its log file. `.ci/run` still finds the address in "Now listening on: …".
/// </summary>
public sealed partial class StartupLogTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"aggregator-startlog-{Guid.NewGuid():N}");

    [Fact]
    public async Task Should_print_only_json_lines_from_the_first_one_to_now_listening()
    {
        await using var api = StartApi();

        var listening = await api.WaitForLineAsync(line => line.Contains("Now listening on:", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
        await using var second = StartApi();
        var refusedWith = await second.WaitForExitAsync(TimeSpan.FromMinutes(1));

        var lines = api.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(lines, line => Assert.Equal(JsonValueKind.Object, Parse(line).ValueKind));
        var messages = lines.Select(line => Parse(line).GetProperty("Message").GetString()).ToList();
        // Written before the host's logging exists: a new cluster created and started, then the generated admin key.
        Assert.Contains(messages, message => message!.StartsWith("Creating a new PostgreSQL cluster", StringComparison.Ordinal));
        Assert.Contains(messages, message => message!.StartsWith("Embedded PostgreSQL started on 127.0.0.1:", StringComparison.Ordinal));
        // .ci/run's sed: s/.*Now listening on: \(http:[^ "]*\).*/\1/p
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", CiRunAddress().Match(listening).Groups[1].Value);

        // A second instance on the same folder is refused in one line, in the same format.
        Assert.Equal(1, refusedWith);
        var refusal = Assert.Single(second.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var entry = Parse(refusal);
        Assert.Equal("Critical", entry.GetProperty("LogLevel").GetString());
        Assert.Contains("is in use by another Aggregator", entry.GetProperty("Message").GetString());
    }

    private static JsonElement Parse(string line)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"Not a JSON line: {line} ({e.Message})");
        }
    }

    /// <summary>The README's run command, on this test's folder and a free port.</summary>
    private AppProcess StartApi() => AppProcess.Start(AppProcess.ApiAssembly, new Dictionary<string, string>
    {
        ["ConnectionStrings__Aggregator"] = "",
        ["Aggregator__DataDirectory"] = _dataDirectory,
    }, "--urls", "http://127.0.0.1:0");

    public void Dispose()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [GeneratedRegex("Now listening on: (http:[^ \"]*)")]
    private static partial Regex CiRunAddress();
}
