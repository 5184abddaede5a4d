using System.Net.Sockets;
using Aggregator.Data.Resilience;
using Npgsql;

namespace Aggregator.Api.Tests.Faults;

/// <summary>Which database failures are retried, which are a 503, and which statements count as writes.</summary>
public sealed class FaultClassificationTests
{
    private static PostgresException Postgres(string sqlState, string severity = "ERROR") => new("a fault", severity, severity, sqlState);

    [Theory]
    [InlineData("08006")] // connection_failure
    [InlineData("08001")]
    [InlineData("57P01")] // admin_shutdown: pg_ctl restart -m fast
    [InlineData("57P02")]
    [InlineData("57P03")] // cannot_connect_now: starting up
    [InlineData("40001")] // serialization_failure
    [InlineData("40P01")] // deadlock_detected
    public void Should_retry_and_then_answer_503_for_a_transient_fault(string sqlState)
    {
        Assert.True(DatabaseFaults.IsTransient(Postgres(sqlState)));
        Assert.True(DatabaseFaults.IsUnavailable(Postgres(sqlState)));
    }

    [Theory]
    [InlineData("25006")] // read_only_sql_transaction
    [InlineData("53100")] // disk_full
    [InlineData("53200")] // out_of_memory
    [InlineData("53300")] // too_many_connections
    public void Should_answer_503_at_once_for_a_database_without_room_or_writes(string sqlState)
    {
        Assert.False(DatabaseFaults.IsTransient(Postgres(sqlState)));
        Assert.True(DatabaseFaults.IsUnavailable(Postgres(sqlState)));
    }

    [Theory]
    [InlineData("23505")] // unique_violation: a 409
    [InlineData("57014")] // query_canceled: meant to stop
    [InlineData("42P01")]
    public void Should_neither_retry_nor_call_unavailable_what_a_retry_cannot_mend(string sqlState)
    {
        Assert.False(DatabaseFaults.IsTransient(Postgres(sqlState)));
        Assert.False(DatabaseFaults.IsUnavailable(Postgres(sqlState)));
    }

    [Fact]
    public void Should_retry_a_refused_or_broken_connection_however_it_is_wrapped()
    {
        var refused = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
        Assert.True(DatabaseFaults.IsTransient(refused));
        Assert.True(DatabaseFaults.IsConnectionLost(new InvalidOperationException("wrapped", refused)));
        Assert.False(DatabaseFaults.IsTransient(new OperationCanceledException("cancelled", refused)));
        Assert.False(DatabaseFaults.IsTransient(new InvalidOperationException("no database here")));
    }

    [Theory]
    [InlineData("INSERT INTO reports (tenant_id) VALUES (@tenantId)", true)]
    [InlineData("WITH gone AS (DELETE FROM x WHERE tenant_id = @tenantId RETURNING 1) SELECT count(*) FROM gone", true)]
    [InlineData("SELECT current_version FROM reports WHERE tenant_id = @tenantId FOR UPDATE", true)]
    [InlineData("SELECT pg_notify(@channel, @payload)", true)]
    [InlineData("SELECT updated_at, last_update_by FROM reports WHERE tenant_id = @tenantId", false)]
    [InlineData("SELECT set_config(s.name, s.value, true) FROM unnest(@names, @values) AS s(name, value)", false)]
    public void Should_count_a_transaction_as_stored_only_when_a_statement_may_have_written(string sql, bool writes) =>
        Assert.Equal(writes, WritingStatements.MayWrite(sql));
}
