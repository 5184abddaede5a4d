using Aggregator.Data.Embedded;
using Aggregator.Data.Resilience;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aggregator.Data;

public static class DatabaseRegistration
{
    public const string DefaultDataDirectory = "./.aggregator";

    /// <summary>The key of the data source for work that holds a session (Hangfire): the direct one, or the one pool.</summary>
    public const string Session = "session";

    /// <summary>
    /// One NpgsqlDataSource for the process. With ConnectionStrings:Aggregator configured it is used as is
    /// (and ConnectionStrings:AggregatorOwner, when given, runs the migrations); without it a private
    /// PostgreSQL cluster is started in Aggregator:DataDirectory. With Aggregator:Database:DirectConnectionString,
    /// a second one, keyed <see cref="Session"/>, connects straight to PostgreSQL for Hangfire.
    /// </summary>
    public static IHostApplicationBuilder AddDatabase(this IHostApplicationBuilder builder)
    {
        var endpoint = ResolveEndpoint(builder);
        builder.Services.AddSingleton(endpoint);
        builder.Services.AddOptions<ScopeCommandOptions>().BindConfiguration(ScopeCommandOptions.Section)
            .Validate(o => Enum.IsDefined(o.ScopeCommand), "Aggregator:Database:ScopeCommand is SetConfig or SetLocal.").ValidateOnStart();
        // Name: the pool's label in Npgsql's metrics (db.client.connection.pool.name) instead of its connection string.
        builder.Services.AddSingleton(services => Build(services, "aggregator",
            PooledConnectionString(endpoint.AppConnectionString, endpoint.BehindTransactionPooler,
                autoPrepare: services.GetRequiredService<IOptions<ScopeCommandOptions>>().Value.ScopeCommand != ScopeCommand.SetLocal)));
        builder.Services.AddKeyedSingleton(Session, (services, _) => endpoint.DirectConnectionString is { } direct
            ? Build(services, "aggregator-direct", PooledConnectionString(direct))
            : services.GetRequiredService<NpgsqlDataSource>());
        builder.Services.AddSingleton(services => new TenantDb(services.GetRequiredService<NpgsqlDataSource>(), services.GetService<DatabaseRetry>(),
            services.GetRequiredService<IOptions<ScopeCommandOptions>>().Value.ScopeCommand));
        builder.Services.AddReadReplicas();
        builder.AddDatabaseRetry();
        builder.Services.AddSingleton<MigrationStatus>();
        builder.Services.AddHostedService<DatabaseMigrationService>();
        return builder;
    }

    private static NpgsqlDataSource Build(IServiceProvider services, string name, string connectionString) =>
        new NpgsqlDataSourceBuilder(connectionString) { Name = name }
            .UseLoggerFactory(services.GetRequiredService<ILoggerFactory>())
            .Build();

    /// <summary>
    /// A connection string as the pool uses it. Dapper never prepares, so Npgsql prepares the statements it sees
    /// most, unless the connection string says otherwise. It prepares nothing
    /// <list type="bullet">
    /// <item>behind a transaction pooler (<paramref name="behindTransactionPooler"/>: a direct connection string is
    /// configured), as PgBouncer before 1.21 does not track prepared statements and hands the next transaction another
    /// server; Npgsql's reset on close is then left to the pooler (it would reset whichever server the next transaction gets);</item>
    /// <item>with <paramref name="autoPrepare"/> false (Aggregator:Database:ScopeCommand=SetLocal): every tenant's SET LOCAL
    /// is a statement text of its own, and prepared after two uses it would push the service's own statements out of the
    /// connection's 50 slots.</item>
    /// </list>
    /// A value the connection string gives wins.
    /// </summary>
    public static string PooledConnectionString(string connectionString, bool behindTransactionPooler = false, bool autoPrepare = true)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var connection = new NpgsqlConnectionStringBuilder(connectionString) { Multiplexing = false };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            var prepares = autoPrepare && !behindTransactionPooler;
            connection.MaxAutoPrepare = prepares ? 50 : 0;
            if (prepares) connection.AutoPrepareMinUsages = 2;
        }
        if (behindTransactionPooler && !given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
            connection.NoResetOnClose = true;
        return connection.ConnectionString;
    }

    private static DatabaseEndpoint ResolveEndpoint(IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString("Aggregator");
        if (!string.IsNullOrWhiteSpace(configured))
            return new DatabaseEndpoint(configured, builder.Configuration.GetConnectionString("AggregatorOwner"), Embedded: false,
                DirectConnectionString(builder.Configuration, configured));

        var dataDirectory = builder.Configuration["Aggregator:DataDirectory"] ?? DefaultDataDirectory;
        // The host's logging is not built yet: these lines go out in its format (JSON outside Development) all the same.
        using var loggerFactory = Telemetry.TelemetryRegistration.CreateStartupLoggerFactory(builder.Configuration, builder.Environment);
        var server = EmbeddedPostgres.StartAsync(dataDirectory, loggerFactory.CreateLogger<EmbeddedPostgres>(),
            binDirectory: builder.Configuration["Aggregator:PostgresBinDirectory"]).GetAwaiter().GetResult();
        builder.Services.AddSingleton(server);
        builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
        return new DatabaseEndpoint(server.AppConnectionString, server.OwnerConnectionString, Embedded: true);
    }

    /// <summary>Aggregator:Database:DirectConnectionString, which must connect as the same app role as the pooled one.</summary>
    private static string? DirectConnectionString(IConfiguration configuration, string pooled)
    {
        var direct = configuration[DatabaseEndpoint.DirectConnectionStringKey];
        if (string.IsNullOrWhiteSpace(direct)) return null;
        var (directUser, pooledUser) = (new NpgsqlConnectionStringBuilder(direct).Username, new NpgsqlConnectionStringBuilder(pooled).Username);
        if (!string.Equals(directUser, pooledUser, StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"{DatabaseEndpoint.DirectConnectionStringKey} must connect as the app role of ConnectionStrings:Aggregator ({pooledUser}), not as {directUser ?? "no user"}.");
        return direct;
    }
}

/// <summary>
/// Supervises the embedded cluster while the host runs — a postmaster that dies is started again on the same folder
/// and port, and the pool drops the dead server's connections — and stops it when the host stops (registered first,
/// so stopped last; supervision ends before the stop, so a shutdown is never taken for a crash). Once a web host
/// listens, notes its URLs with the folder lock, for the message that refuses a second instance.
/// </summary>
internal sealed class EmbeddedPostgresLifetime(
    EmbeddedPostgres server, IHostApplicationLifetime lifetime, IServiceProvider services, ILogger<EmbeddedPostgres> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _supervision = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        server.LogTo(logger);
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
            if (addresses is { Count: > 0 }) server.RecordUrls(addresses.ToList());
        });
        _supervision = Task.Run(() => server.SuperviseAsync(
            () => services.GetRequiredService<NpgsqlDataSource>().Clear(), _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _supervision;
        await server.StopAsync();
    }
}

/// <summary>Applies pending migrations before the server takes requests.</summary>
internal sealed class DatabaseMigrationService(DatabaseEndpoint endpoint, ILogger<DatabaseMigrationService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (endpoint.OwnerConnectionString is null)
        {
            logger.LogInformation("ConnectionStrings:AggregatorOwner is not set: migrations are applied by `migrate`, not by this process");
            return Task.CompletedTask;
        }
        DatabaseMigrator.Migrate(endpoint.OwnerConnectionString, endpoint.AppRole, logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
