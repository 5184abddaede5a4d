using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Aggregator.Data;
using Aggregator.Data.Embedded;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster and one API on a real Kestrel port for the whole test run. Tests stay
/// apart by creating their own tenants with unique codes, so nothing needs resetting between them.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string AdminKey = "agg_test-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>
    /// The port the shared API listens on (default: one the kernel picks), so that a proxy started before the tests can
    /// forward to it (deploy/contract-check.sh puts Prism in front of the contract test).
    /// </summary>
    public const string PortVariable = "AGGREGATOR_TEST_API_PORT";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"aggregator-tests-{Guid.NewGuid():N}");
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private EmbeddedPostgres? _postgres;

    private readonly int _port;

    public ApiFixture() : this(new Dictionary<string, string?>()) =>
        _port = int.TryParse(Environment.GetEnvironmentVariable(PortVariable), out var port) ? port : 0;

    private ApiFixture(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    /// <summary>A cluster and API of a test's own (the fault tests restart or break theirs), with settings of its own on top.</summary>
    public static ApiFixture With(IReadOnlyDictionary<string, string?> settings) => new(settings);

    public ApiFactory Factory { get; private set; } = null!;
    public EmbeddedPostgres Postgres => _postgres!;

    /// <summary>Connects as the application's role: subject to row-level security.</summary>
    public NpgsqlDataSource AppDataSource => Factory.Services.GetRequiredService<NpgsqlDataSource>();
    public TenantDb TenantDb => Factory.Services.GetRequiredService<TenantDb>();

    public async Task InitializeAsync()
    {
        _postgres = await EmbeddedPostgres.StartAsync(_dataDirectory, NullLogger.Instance);
        Factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = _postgres.AppConnectionString,
            ["ConnectionStrings:AggregatorOwner"] = _postgres.OwnerConnectionString,
            ["Aggregator:BootstrapAdminKey"] = AdminKey,
            // The hourly sweep would race the tests that look at stale figures; the sweep has a test of its own.
            ["Aggregator:Jobs:SweepCron"] = "0 0 31 2 *",
            // Pinned, not left to the machine's core count: the fairness and flood tests fill these lanes on purpose.
            ["Aggregator:Jobs:WorkerCount"] = "2",
            ["Aggregator:Jobs:BulkWorkerCount"] = "1",
            ["Aggregator:Jobs:RecomputeWorkerCount"] = "1",
            // Tests post far more than a person would; the limits have tests of their own, on hosts of their own.
            ["Aggregator:RateLimit:PermitsPerMinute"] = "0",
        }.Concat(_settings).GroupBy(pair => pair.Key).ToDictionary(group => group.Key, group => group.Last().Value), _port);
        Factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = Factory.CreateClient();
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public HttpClient Admin() => Client(AdminKey);
}

/// <summary>The API on a real Kestrel port (not the in-memory test server), so limits such as the body size apply.</summary>
public sealed class ApiFactory(IReadOnlyDictionary<string, string?> settings, int port = 0) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.UseEnvironment("Testing");
        UseKestrel(port);
        builder.ConfigureServices(services => services.AddHttpContextAccessor().AddSingleton<IClaimsTransformation, FailureOnRequest>());
    }
}

/// <summary>
/// Test-only: a request carrying <see cref="Header"/> fails inside the pipeline after authentication, as an
/// unexpected fault would, so that every operation's documented 500 can be provoked through the real
/// exception handler; with the value <see cref="ReadOnly"/> it fails as a write to a read-only database does
/// (SQLSTATE 25006), for the documented 503.
/// </summary>
public sealed class FailureOnRequest(IHttpContextAccessor accessor) : IClaimsTransformation
{
    public const string Header = "X-Test-Fail";
    public const string ReadOnly = "read-only";

    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal) =>
        accessor.HttpContext?.Request.Headers.TryGetValue(Header, out var fault) == true
            ? throw (fault.ToString() == ReadOnly
                ? new PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", PostgresErrorCodes.ReadOnlySqlTransaction)
                : new InvalidOperationException("A fault provoked by a test."))
            : Task.FromResult(principal);
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
