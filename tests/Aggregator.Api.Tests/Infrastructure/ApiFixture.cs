using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Aggregator.Data;
using Aggregator.Data.Embedded;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster and one API on a real Kestrel port for the whole test run. Tests stay
/// apart by creating their own tenants with unique codes, so nothing needs resetting between them. With
/// AGGREGATOR_TEST_PGBOUNCER=1 (<see cref="Infrastructure.PgBouncer.Variable"/>) the shared API runs through a PgBouncer in
/// transaction mode, its session work (LISTEN, Hangfire) on Aggregator:Database:DirectConnectionString.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string AdminKey = "agg_test-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>
    /// The port the shared API listens on (default: one the kernel picks), so that a proxy started before the tests can
    /// forward to it (deploy/contract-check.sh puts Prism in front of the contract test).
    /// </summary>
    public const string PortVariable = "AGGREGATOR_TEST_API_PORT";

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly bool _throughPgBouncer;
    private ScratchCluster? _cluster;
    private Dictionary<string, string?> _applied = [];

    private readonly int _port;

    public ApiFixture() : this(new Dictionary<string, string?>(), throughPgBouncer: Infrastructure.PgBouncer.Requested) =>
        _port = int.TryParse(Environment.GetEnvironmentVariable(PortVariable), out var port) ? port : 0;

    private ApiFixture(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null, bool throughPgBouncer = false)
    {
        _settings = settings;
        _services = services;
        _throughPgBouncer = throughPgBouncer;
    }

    /// <summary>
    /// A cluster and API of a test's own (the fault tests restart or break theirs), with settings of its own on top, and
    /// services of its own (a faulty observer or a log capture, say).
    /// </summary>
    public static ApiFixture With(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null) =>
        new(settings, services);

    /// <summary>As <see cref="With"/>, its API through a PgBouncer in transaction mode in front of its cluster.</summary>
    public static ApiFixture ThroughPgBouncer(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null) =>
        new(settings, services, throughPgBouncer: true);

    /// <summary>The PgBouncer the API goes through; null when it connects straight to the cluster.</summary>
    public PgBouncer? PgBouncer { get; private set; }

    public ApiFactory Factory { get; private set; } = null!;
    public EmbeddedPostgres Postgres => (_cluster ?? throw new InvalidOperationException("This fixture runs over a database of the test's own.")).Postgres;

    /// <summary>Connects as the application's role: subject to row-level security.</summary>
    public NpgsqlDataSource AppDataSource => Factory.Services.GetRequiredService<NpgsqlDataSource>();
    public TenantDb TenantDb => Factory.Services.GetRequiredService<TenantDb>();

    public async Task InitializeAsync()
    {
        // A test that brings a database of its own (the failover tests' pg_auto_failover trio) names it in its settings.
        if (_settings.GetValueOrDefault("ConnectionStrings:Aggregator") is null)
            _cluster = await ScratchCluster.StartAsync("aggregator-tests");
        if (_throughPgBouncer && _cluster is not null) PgBouncer = await Infrastructure.PgBouncer.StartAsync(_cluster.AppConnectionString);
        _applied = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = PgBouncer?.ConnectionString ?? _cluster?.AppConnectionString,
            [DatabaseEndpoint.DirectConnectionStringKey] = PgBouncer is null ? null : _cluster?.AppConnectionString,
            ["ConnectionStrings:AggregatorOwner"] = _cluster?.OwnerConnectionString,
            ["Aggregator:BootstrapAdminKey"] = AdminKey,
            // The hourly sweep would race the tests that look at stale figures; the sweep has a test of its own.
            ["Aggregator:Jobs:SweepCron"] = "0 0 31 2 *",
            // Pinned, not left to the machine's core count: the fairness and flood tests fill these lanes on purpose.
            ["Aggregator:Jobs:WorkerCount"] = "2",
            // Tests wait for each rollup they cause; the spacing is the benchmark's to measure (freshness, ingest).
            ["Aggregator:Jobs:RollupSpacing"] = "00:00:00",
            ["Aggregator:Jobs:BulkWorkerCount"] = "1",
            ["Aggregator:Jobs:RecomputeWorkerCount"] = "1",
            // Tests post far more than a person would; the limits have tests of their own, on hosts of their own.
            ["Aggregator:RateLimit:PermitsPerMinute"] = "0",
        }.Concat(_settings).GroupBy(pair => pair.Key).ToDictionary(group => group.Key, group => group.Last().Value);
        Factory = new ApiFactory(_applied, _services, port: _port);
        Factory.StartServer();
    }

    /// <summary>
    /// A second API over this fixture's database with services of a test's own (a <c>FakeTimeProvider</c>, say) on top;
    /// it runs no jobs: the fixture's API runs them. The caller disposes it.
    /// </summary>
    public ApiFactory Replica(Action<IServiceCollection> services)
    {
        var settings = new Dictionary<string, string?>(_applied) { ["Aggregator:Jobs:RunServer"] = "false" };
        var replica = new ApiFactory(settings, services);
        replica.StartServer();
        return replica;
    }

    public async Task DisposeAsync()
    {
        if (Factory is not null) await Factory.DisposeAsync();
        if (PgBouncer is not null) await PgBouncer.DisposeAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    /// <summary>
    /// A client with <paramref name="apiKey"/>. It asks for English problem texts (<c>Accept-Language: en</c>), which the
    /// suite's assertions on details are written against; <paramref name="language"/> null sends no Accept-Language
    /// (the API then answers in Chinese, see ProblemLanguageTests).
    /// </summary>
    public HttpClient Client(string? apiKey = null, string? language = "en")
    {
        var client = Factory.CreateClient();
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        if (language is not null) client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public HttpClient Admin() => Client(AdminKey);
}

/// <summary>The API on a real Kestrel port (not the in-memory test server), so limits such as the body size apply.</summary>
public sealed class ApiFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null, int port = 0) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.UseEnvironment("Testing");
        UseKestrel(port);
        builder.ConfigureServices(s => s.AddHttpContextAccessor().AddSingleton<IClaimsTransformation, FailureOnRequest>());
        if (services is not null) builder.ConfigureServices(services);
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
