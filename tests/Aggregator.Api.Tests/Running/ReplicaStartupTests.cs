using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data;
using Aggregator.Data.Embedded;
using Aggregator.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Aggregator.Api.Tests.Running;

/// <summary>Replicas of the API or the worker that start together on one database, each holding the owner connection.</summary>
public sealed class ReplicaStartupTests(ScratchCluster cluster) : IClassFixture<ScratchCluster>
{
    [Fact]
    public async Task Should_migrate_an_empty_database_when_three_replicas_start_at_once()
    {
        var owner = cluster.OwnerConnectionString;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var replicas = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            // What each replica's start-up does with the owner connection: DbUp, then Hangfire's schema.
            DatabaseMigrator.Migrate(owner, EmbeddedPostgres.AppRole, NullLogger.Instance);
            await HangfireSchemaInstaller.InstallAsync(owner, EmbeddedPostgres.AppRole, CancellationToken.None);
        })).ToList();

        go.SetResult();
        await Task.WhenAll(replicas);

        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync();
        await using var applied = new NpgsqlCommand("SELECT count(*) FROM schemaversions", connection);
        Assert.Equal(DatabaseMigrator.ScriptNames.Count, Convert.ToInt32(await applied.ExecuteScalarAsync()));
    }
}
