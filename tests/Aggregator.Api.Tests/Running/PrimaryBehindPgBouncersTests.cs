using Aggregator.Api.Tests.Infrastructure;
using Npgsql;

namespace Aggregator.Api.Tests.Running;

/// <summary>
/// deploy/docker-compose.ha.yml puts one PgBouncer (transaction mode) in front of each database node and gives the API
/// <c>Host=pgbouncer1,pgbouncer2;Target Session Attributes=primary</c>: Npgsql must tell the primary from the standby
/// through PgBouncer, whichever is listed first, or writes would land on a standby. Here with a real primary, a streaming
/// standby and Debian's PgBouncer 1.18 in front of each.
/// </summary>
public sealed class PrimaryBehindPgBouncersTests
{
    [Fact]
    public async Task Should_connect_to_the_primary_through_the_pgbouncer_in_front_of_it_whichever_is_listed_first()
    {
        await using var cluster = await ScratchCluster.StartAsync("aggregator-two-bouncers");
        await using var standby = await Standby.StartAsync(cluster.Postgres.SuperuserConnectionString, cluster.AppConnectionString);
        await using var beforePrimary = await PgBouncer.StartAsync(cluster.AppConnectionString);
        await using var beforeStandby = await PgBouncer.StartAsync(standby.AppConnectionString);

        foreach (var order in new[] { new[] { beforeStandby, beforePrimary }, [beforePrimary, beforeStandby] })
        {
            var hosts = string.Join(',', order.Select(b => $"127.0.0.1:{b.Port}"));
            Assert.False(await InRecoveryAsync(hosts, "primary"), $"Target Session Attributes=primary over {hosts} reached the standby");
            Assert.True(await InRecoveryAsync(hosts, "prefer-standby"), $"Target Session Attributes=prefer-standby over {hosts} reached the primary");
        }
        // Through PgBouncers in front of the standby only, "primary" finds nothing: the answer a failover under way gives,
        // which the API answers 503 (DatabaseFaults.IsWithoutPrimary), never a write on a standby.
        await using var alsoBeforeStandby = await PgBouncer.StartAsync(standby.AppConnectionString);
        var alone = await Assert.ThrowsAnyAsync<NpgsqlException>(() =>
            InRecoveryAsync($"127.0.0.1:{beforeStandby.Port},127.0.0.1:{alsoBeforeStandby.Port}", "primary"));
        Assert.True(Aggregator.Data.Resilience.DatabaseFaults.IsTransient(alone), alone.ToString());

        async Task<bool> InRecoveryAsync(string hosts, string target)
        {
            var connection = new NpgsqlConnectionStringBuilder(beforePrimary.ConnectionString)
            {
                Host = hosts,
                TargetSessionAttributes = target,
                // As the service makes its pooled connections behind a transaction pooler.
                MaxAutoPrepare = 0,
                NoResetOnClose = true,
            };
            await using var source = NpgsqlDataSource.Create(connection.ConnectionString);
            await using var command = source.CreateCommand("SELECT pg_is_in_recovery()");
            return (bool)(await command.ExecuteScalarAsync())!;
        }
    }
}
