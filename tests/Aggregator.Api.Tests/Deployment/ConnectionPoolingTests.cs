using Aggregator.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Aggregator.Api.Tests.Deployment;

/// <summary>
/// deploy/README.md, "PgBouncer in transaction mode": the operator can turn automatic preparation off, and a direct
/// connection string (a transaction pooler in front) turns it off by itself.
/// </summary>
public sealed class ConnectionPoolingTests
{
    [Fact]
    public void Should_prepare_the_statements_it_sees_most_by_default()
    {
        var pooled = new NpgsqlConnectionStringBuilder(DatabaseRegistration.PooledConnectionString("Host=db;Username=aggregator_app"));

        Assert.Equal(50, pooled.MaxAutoPrepare);
        Assert.False(pooled.Multiplexing);
    }

    [Theory]
    [InlineData("Host=pgbouncer;Username=aggregator_app;Max Auto Prepare=0")]
    [InlineData("Host=pgbouncer;Username=aggregator_app;max auto prepare=0")]
    public void Should_leave_automatic_preparation_off_when_the_connection_string_says_so(string configured)
    {
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(DatabaseRegistration.PooledConnectionString(configured)).MaxAutoPrepare);
    }

    [Fact]
    public void Should_prepare_nothing_and_leave_the_reset_to_the_pooler_behind_a_transaction_pooler()
    {
        var pooled = new NpgsqlConnectionStringBuilder(
            DatabaseRegistration.PooledConnectionString("Host=pgbouncer;Username=aggregator_app", behindTransactionPooler: true));

        Assert.Equal(0, pooled.MaxAutoPrepare);
        Assert.True(pooled.NoResetOnClose);
        Assert.False(pooled.Multiplexing);
    }

    [Fact]
    public void Should_keep_what_the_connection_string_says_behind_a_transaction_pooler()
    {
        // PgBouncer 1.21+ with max_prepared_statements tracks prepared statements: the operator may turn them back on.
        var pooled = new NpgsqlConnectionStringBuilder(DatabaseRegistration.PooledConnectionString(
            "Host=pgbouncer;Username=aggregator_app;Max Auto Prepare=20;No Reset On Close=false", behindTransactionPooler: true));

        Assert.Equal(20, pooled.MaxAutoPrepare);
        Assert.False(pooled.NoResetOnClose);
    }

    [Fact]
    public void Should_refuse_to_start_with_a_direct_connection_string_of_another_role()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = "Host=pgbouncer;Port=6432;Database=aggregator;Username=aggregator_app",
            [DatabaseEndpoint.DirectConnectionStringKey] = "Host=postgres;Database=aggregator;Username=aggregator_owner",
        });

        var refused = Assert.Throws<InvalidOperationException>(() => builder.AddDatabase());

        Assert.Contains(DatabaseEndpoint.DirectConnectionStringKey, refused.Message);
        Assert.Contains("aggregator_app", refused.Message);
    }
}

/// <summary>/health/ready's check of the direct connection (Aggregator:Database:DirectConnectionString).</summary>
public sealed class DirectDatabaseCheckTests
{
    [Fact]
    public async Task Should_be_unready_when_the_direct_connection_does_not_answer_and_have_nothing_to_check_without_one()
    {
        // A loopback port nothing listens on (taken and released at once).
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var closed = $"Host=127.0.0.1;Port={port};Username=aggregator_app;Password=x;Database=aggregator;Timeout=2";
        await using var direct = Npgsql.NpgsqlDataSource.Create(closed);

        var configured = new DatabaseEndpoint("Host=pgbouncer;Username=aggregator_app", null, Embedded: false, DirectConnectionString: closed);
        var unready = await new DirectDatabaseCheck(configured, direct).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, unready.Status);
        Assert.Contains("DirectConnectionString", unready.Description);

        var without = new DatabaseEndpoint("Host=db;Username=aggregator_app", null, Embedded: false);
        var nothing = await new DirectDatabaseCheck(without, direct).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, nothing.Status);
    }
}
