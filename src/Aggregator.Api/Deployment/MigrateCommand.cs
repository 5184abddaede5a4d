using Aggregator.Data;
using Aggregator.Jobs;

namespace Aggregator.Api.Deployment;

/// <summary>
/// <c>dotnet Aggregator.Api.dll migrate</c>: applies the pending migrations (db/migrations) and Hangfire's schema
/// as the owner role, grants the app role its rights, and exits. It is the one-shot step of a deployment
/// (compose's <c>migrate</c> service, the Kubernetes Job) and the only process that holds
/// ConnectionStrings:AggregatorOwner: the API and worker replicas then run with the app role alone.
/// Exit status: 0 applied (or nothing pending), 1 a migration failed, 2 not configured.
/// </summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Name;

    public static async Task<int> RunAsync(string[] args)
    {
        // The same configuration sources as the API (appsettings.json beside the binaries, environment,
        // command line), without its web host, its embedded PostgreSQL or its background jobs.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args[1..], ContentRootPath = AppContext.BaseDirectory });
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MigrateCommand).FullName!);

        var owner = builder.Configuration.GetConnectionString("AggregatorOwner");
        if (string.IsNullOrWhiteSpace(owner))
        {
            Console.Error.WriteLine("migrate needs ConnectionStrings:AggregatorOwner: the role that owns the schema.");
            return 2;
        }
        var appRole = MigrationOptions.AppRoleFrom(builder.Configuration);
        if (appRole is null)
        {
            Console.Error.WriteLine($"migrate needs {MigrationOptions.AppRoleKey} (or ConnectionStrings:Aggregator naming a user): the role the API and worker connect as.");
            return 2;
        }

        try
        {
            DatabaseMigrator.Migrate(owner, appRole, logger);
            await HangfireSchemaInstaller.InstallAsync(owner, appRole, CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException or TimeoutException)
        {
            logger.LogError(e, "Migration failed");
            return 1;
        }
        logger.LogInformation("Schema current: {Count} migrations and Hangfire's tables, granted to {AppRole}",
            DatabaseMigrator.ScriptNames.Count, appRole);
        return 0;
    }
}
