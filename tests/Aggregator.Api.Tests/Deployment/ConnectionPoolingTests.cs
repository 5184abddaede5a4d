using Aggregator.Data;
using Npgsql;

namespace Aggregator.Api.Tests.Deployment;

/// <summary>deploy/README.md, "PgBouncer in transaction mode": the operator can turn automatic preparation off.</summary>
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
}
