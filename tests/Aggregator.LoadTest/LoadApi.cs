using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data;
using Aggregator.Data.Embedded;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.LoadTest;

/// <summary>
/// A private PostgreSQL and the API on a real Kestrel port, started the way the API tests start them; optionally through a
/// PgBouncer in transaction mode (<see cref="Aggregator.Api.Tests.Infrastructure.PgBouncer"/>), as the tests' second pass runs it.
/// </summary>
internal sealed class LoadApi : IAsyncDisposable
{
    public const string AdminKey = "agg_load-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";

    private readonly IReadOnlyDictionary<string, string?> _settings;

    private LoadApi(string dataDirectory, EmbeddedPostgres postgres, PgBouncer? pgBouncer, Factory factory, IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
        DataDirectory = dataDirectory;
        Postgres = postgres;
        PgBouncer = pgBouncer;
        Api = factory;
    }

    /// <summary>The throwaway data folder under /tmp: the cluster and its credentials.json.</summary>
    public string DataDirectory { get; }

    public EmbeddedPostgres Postgres { get; }

    /// <summary>The PgBouncer the API goes through (requests and jobs; LISTEN and Hangfire go direct), or null.</summary>
    public PgBouncer? PgBouncer { get; }
    public WebApplicationFactory<Program> Api { get; }

    public static async Task<LoadApi> StartAsync(bool throughPgBouncer = false)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"aggregator-load-{Guid.NewGuid():N}");
        // Outside a test project WebApplicationFactory cannot guess the API's content root; the output folder will do.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_AGGREGATOR_API", AppContext.BaseDirectory);
        var postgres = await EmbeddedPostgres.StartAsync(dataDirectory, NullLogger.Instance);
        var pgBouncer = throughPgBouncer ? await PgBouncer.StartAsync(postgres.AppConnectionString) : null;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = pgBouncer?.ConnectionString ?? postgres.AppConnectionString,
            [DatabaseEndpoint.DirectConnectionStringKey] = pgBouncer is null ? null : postgres.AppConnectionString,
            ["ConnectionStrings:AggregatorOwner"] = postgres.OwnerConnectionString,
            ["Aggregator:BootstrapAdminKey"] = AdminKey,
            ["Logging:LogLevel:Default"] = "Warning",
            // The benchmark measures the API, not its abuse limits.
            ["Aggregator:RateLimit:PermitsPerMinute"] = "0",
        };
        var factory = new Factory(settings);
        factory.StartServer();
        return new LoadApi(dataDirectory, postgres, pgBouncer, factory, settings);
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
        if (PgBouncer is not null) await PgBouncer.DisposeAsync();
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
