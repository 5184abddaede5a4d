using Aggregator.Api.Tests.Infrastructure;
namespace Aggregator.Api.Tests.Running;

/// <summary>The README's walk-through is the script CI runs, so the two cannot drift apart.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void Should_show_the_walkthrough_that_ci_runs_verbatim()
    {
        var root = RepositoryPaths.Root;
        var script = File.ReadAllText(Path.Combine(root, "deploy", "walkthrough.sh")).ReplaceLineEndings("\n");
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");

        // Everything from the B= line on: the header above it says how CI runs the file.
        var shown = script[script.IndexOf("\nB=", StringComparison.Ordinal)..].TrimStart('\n');

        Assert.Contains("```sh\n" + shown + "```\n", readme);
    }
}
