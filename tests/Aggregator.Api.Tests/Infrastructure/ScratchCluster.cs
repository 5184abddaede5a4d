using Aggregator.Data.Embedded;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster in a temporary folder of its own, stopped and deleted when disposed: the one way
/// tests start a cluster (the shared <see cref="ApiFixture"/>, a test class's own as an <c>IClassFixture</c>, or one
/// made inside a test with <see cref="StartAsync"/>).
/// </summary>
public sealed class ScratchCluster : IAsyncLifetime, IAsyncDisposable
{
    private readonly string _folder;
    private EmbeddedPostgres? _postgres;

    /// <summary>For xunit's class fixtures; the folder is named after the class's purpose otherwise.</summary>
    public ScratchCluster() : this("aggregator-cluster") { }

    private ScratchCluster(string name) => _folder = Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}");

    /// <summary>A cluster started at once; <paramref name="name"/> prefixes its temporary folder, for whoever finds one left behind.</summary>
    public static async Task<ScratchCluster> StartAsync(string name)
    {
        var cluster = new ScratchCluster(name);
        await cluster.InitializeAsync();
        return cluster;
    }

    public EmbeddedPostgres Postgres => _postgres ?? throw new InvalidOperationException("The cluster is not started.");

    /// <summary>The application's role: no table of its own, subject to row-level security.</summary>
    public string AppConnectionString => Postgres.AppConnectionString;

    /// <summary>The owner of the tables, as migrations connect.</summary>
    public string OwnerConnectionString => Postgres.OwnerConnectionString;

    public async Task InitializeAsync() => _postgres = await EmbeddedPostgres.StartAsync(_folder, NullLogger.Instance);

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        _postgres = null;
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
