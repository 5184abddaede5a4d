using System.Net;
using System.Net.Sockets;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data.Resilience;
using Npgsql;

namespace Aggregator.Api.Tests.Faults;

/// <summary>
/// What Npgsql's multi-host data source (<c>Host=a:p1,b:p2;Target Session Attributes=primary</c>) throws while a
/// failover is under way, produced for real: retried, then a 503, never a 500 (FailoverTests shows it end to end).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class MultiHostFaultTests(ApiFixture api)
{
    [Fact]
    public async Task Should_retry_while_every_host_answers_but_none_is_of_the_kind_asked_for()
    {
        // The shared cluster is a primary; asked for a standby, Npgsql finds no suitable host, as it does when asked for
        // a primary while the old one is gone and the standby is not promoted yet.
        var settings = new NpgsqlConnectionStringBuilder(api.Postgres.AppConnectionString);
        settings.Host = $"127.0.0.1:{settings.Port},127.0.0.1:{settings.Port}";
        settings.TargetSessionAttributes = "standby";
        await using var dataSource = NpgsqlDataSource.Create(settings.ConnectionString);

        var fault = await Assert.ThrowsAsync<NpgsqlException>(async () => await dataSource.OpenConnectionAsync());

        Assert.Null(fault.InnerException);
        Assert.True(DatabaseFaults.IsWithoutPrimary(fault), fault.Message);
        Assert.True(DatabaseFaults.IsTransient(fault));
        Assert.True(DatabaseFaults.IsUnavailable(fault));
        Assert.True(DatabaseFaults.IsConnectionLost(fault));
    }

    [Fact]
    public async Task Should_retry_while_no_host_of_a_multi_host_connection_string_accepts_connections()
    {
        await using var dataSource = NpgsqlDataSource.Create(
            $"Host=127.0.0.1:{ClosedPort()},127.0.0.1:{ClosedPort()};Database=aggregator;Username=nobody;Target Session Attributes=primary;Timeout=3");

        var fault = await Assert.ThrowsAsync<NpgsqlException>(async () => await dataSource.OpenConnectionAsync());

        var refusals = Assert.IsType<AggregateException>(fault.InnerException);
        Assert.Equal(2, refusals.InnerExceptions.Count);
        Assert.True(DatabaseFaults.IsWithoutPrimary(fault));
        Assert.True(DatabaseFaults.IsTransient(fault));
        Assert.True(DatabaseFaults.IsUnavailable(fault));
    }

    [Fact]
    public void Should_not_retry_when_a_host_of_a_multi_host_connection_string_refuses_for_good()
    {
        // A wrong password on one host and a refusal on the other: the wrong password is no failover; a retry cannot mend it.
        var refused = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
        var wrongPassword = new PostgresException("password authentication failed", "FATAL", "FATAL", PostgresErrorCodes.InvalidPassword);
        var fault = new NpgsqlException("Unable to connect to a suitable host.", new AggregateException(refused, wrongPassword));

        Assert.False(DatabaseFaults.IsWithoutPrimary(fault));
        Assert.False(DatabaseFaults.IsTransient(fault));
        Assert.False(DatabaseFaults.IsUnavailable(fault));
        Assert.False(DatabaseFaults.IsWithoutPrimary(new NpgsqlException("Some other failure.")));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
