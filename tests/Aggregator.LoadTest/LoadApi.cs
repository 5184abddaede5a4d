using Aggregator.Data.Embedded;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.LoadTest;

/// <summary>A private PostgreSQL and the API on a real Kestrel port, started the way the API tests start them.</summary>
internal sealed class LoadApi : IAsyncDisposable
{
    public const string AdminKey = "agg_load-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";

    private readonly IReadOnlyDictionary<string, string?> _settings;

    private LoadApi(string dataDirectory, EmbeddedPostgres postgres, Factory factory, IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
        DataDirectory = dataDirectory;
        Postgres = postgres;
        Api = factory;
    }

    /// <summary>The throwaway data folder under /tmp: the cluster and its credentials.json.</summary>
    public string DataDirectory { get; }

    public EmbeddedPostgres Postgres { get; }
    public WebApplicationFactory<Program> Api { get; }

    public static async Task<LoadApi> StartAsync()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"aggregator-load-{Guid.NewGuid():N}");
        // Outside a test project WebApplicationFactory cannot guess the API's content root; the output folder will do.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_AGGREGATOR_API", AppContext.BaseDirectory);
        var postgres = await EmbeddedPostgres.StartAsync(dataDirectory, NullLogger.Instance);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = postgres.AppConnectionString,
            ["ConnectionStrings:AggregatorOwner"] = postgres.OwnerConnectionString,
            ["Aggregator:BootstrapAdminKey"] = AdminKey,
            ["Logging:LogLevel:Default"] = "Warning",
            // The benchmark measures the API, not its abuse limits.
            ["Aggregator:RateLimit:PermitsPerMinute"] = "0",
        };
        var factory = new Factory(settings);
        factory.StartServer();
        return new LoadApi(dataDirectory, postgres, factory, settings);
    }

    /// <summary>
    /// Another API on the same database with <paramref name="settings"/> on top (read replicas, say); it runs no jobs. The
    /// caller disposes it.
    /// </summary>
    public WebApplicationFactory<Program> StartAnother(IReadOnlyDictionary<string, string?> settings)
    {
        var merged = new Dictionary<string, string?>(_settings) { ["Aggregator:Jobs:RunServer"] = "false" };
        foreach (var (key, value) in settings) merged[key] = value;
        var factory = new Factory(merged);
        factory.StartServer();
        return factory;
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Postgres.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            builder.UseEnvironment("Production");
            UseKestrel(0);
        }
    }
}
