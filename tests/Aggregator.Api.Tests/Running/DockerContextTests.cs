using Aggregator.Api.Tests.Infrastructure;
namespace Aggregator.Api.Tests.Running;

/// <summary>deploy/Dockerfile sends the repository root as its build context: nothing local may ride along.</summary>
public sealed class DockerContextTests
{
    [Theory]
    [InlineData("**/.aggregator/")]        // the embedded cluster, its role passwords and the bootstrap admin key
    [InlineData("**/credentials.json")]
    [InlineData("**/bootstrap-admin-key")]
    [InlineData("**/bin/")]
    [InlineData("**/obj/")]
    [InlineData("**/TestResults/")]
    public void Should_keep_local_state_out_of_the_docker_build_context(string pattern)
    {
        var dockerignore = RepositoryPaths.Of(".dockerignore");

        Assert.True(File.Exists(dockerignore), ".dockerignore is missing at the repository root");
        Assert.Contains(pattern, File.ReadAllLines(dockerignore).Select(l => l.Trim()));
    }
}
