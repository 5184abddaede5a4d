namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>Where the repository is, for tests that read its files (the committed contract, the README, src/).</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding Aggregator.sln, above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Aggregator.sln"))) return directory.FullName;
        throw new InvalidOperationException("Aggregator.sln not found above " + AppContext.BaseDirectory);
    }
}
