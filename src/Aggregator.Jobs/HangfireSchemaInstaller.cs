using Aggregator.Data;
using Dapper;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aggregator.Jobs;

/// <summary>
/// The migration step for Hangfire's tables: installed (or upgraded) by the owner role, after DbUp, in the
/// process that holds the owner connection; the app role then gets only data rights on them. Every other
/// process opens the storage with PrepareSchemaIfNecessary off. Hangfire's tables hold no tenant data: a
/// job carries only ids (tenant id, year), so they sit outside row-level security. Replicas starting together
/// install one after the other, under <see cref="SchemaChangeLock"/>.
/// </summary>
public sealed class HangfireSchemaInstaller(DatabaseEndpoint endpoint, ILogger<HangfireSchemaInstaller> logger) : IHostedService
{
    public const string Schema = "hangfire";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (endpoint.OwnerConnectionString is null)
        {
            logger.LogInformation("No owner connection: the Hangfire schema is installed by another process");
            return;
        }

        await InstallAsync(endpoint.OwnerConnectionString, endpoint.AppRole, cancellationToken);
        logger.LogInformation("Hangfire schema ready");
    }

    /// <summary>Installs or upgrades the schema as the owner and grants the app role its data rights.</summary>
    public static async Task InstallAsync(string ownerConnectionString, string appRole, CancellationToken ct)
    {
        var role = "\"" + appRole.Replace("\"", "\"\"") + "\"";
        var grants = $"""
            GRANT USAGE ON SCHEMA {Schema} TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {Schema} TO {role};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {Schema} TO {role};
            """;
        await using var schemaLock = await SchemaChangeLock.AcquireAsync(ownerConnectionString, ct);
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        PostgreSqlObjectsInstaller.Install(connection, Schema);
        await connection.ExecuteAsync(new CommandDefinition(grants, cancellationToken: ct));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
