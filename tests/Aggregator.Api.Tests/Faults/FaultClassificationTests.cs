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

    [Fact]
    public void Should_answer_503_but_never_retry_a_commit_whose_outcome_is_unknown()
    {
        var broken = new CommitOutcomeUnknownException(new NpgsqlException("Exception while reading from stream", new IOException("reset")));
        Assert.False(DatabaseFaults.IsTransient(broken));
        Assert.True(DatabaseFaults.IsUnavailable(broken));
        Assert.True(DatabaseFaults.IsOutcomeUnknown(new InvalidOperationException("wrapped", broken)));
        Assert.False(DatabaseFaults.IsOutcomeUnknown(Postgres("08006")));
    }

    [Fact]
    public void Should_run_again_a_unit_of_work_that_lost_a_race_for_a_first_version() =>
        Assert.True(DatabaseFaults.IsTransient(new ConcurrentWriteException("a first version was stored meanwhile")));
}
