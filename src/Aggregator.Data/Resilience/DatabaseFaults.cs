using Npgsql;

namespace Aggregator.Data.Resilience;

/// <summary>
/// What a database failure means for the request that met it: worth running again on a fresh transaction
/// (<see cref="IsTransient"/>), or — once retries are spent, or at once for a database that takes no writes —
/// a 503 rather than a 500 (<see cref="IsUnavailable"/>).
/// </summary>
public static class DatabaseFaults
{
    /// <summary>
    /// The connection broke or the server is going down or coming up (class 08, 57P01 admin_shutdown,
    /// 57P02 crash_shutdown, 57P03 cannot_connect_now, or an I/O error or timeout below PostgreSQL's
    /// protocol), no host of a multi-host connection string is the primary now (<see cref="IsWithoutPrimary"/>:
    /// a failover under way), or the transaction lost a race PostgreSQL resolves by aborting one side (40001
    /// serialization_failure, 40P01 deadlock_detected, or our own <see cref="ConcurrentWriteException"/>). In every case the transaction was rolled back, and running
    /// the whole of it again on another connection may succeed. Not 57014 query_canceled: a cancelled statement was
    /// meant to stop; not a COMMIT whose outcome is unknown (<see cref="CommitOutcomeUnknownException"/>): it may have
    /// been stored, and a repeat could store it twice.
    /// </summary>
    public static bool IsTransient(Exception exception) => !IsOutcomeUnknown(exception) && (exception is ConcurrentWriteException || Find(exception) switch
    {
        PostgresException postgres => IsConnectionState(postgres.SqlState)
                                      || postgres.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected,
        NpgsqlException npgsql => npgsql.IsTransient || IsWithoutPrimary(npgsql),
        _ => false,
    });

    /// <summary>
    /// The database cannot take this request now, but should later: it is unreachable or restarting, takes no
    /// writes (25006 read_only_sql_transaction: a read-only server, a standby, default_transaction_read_only),
    /// or lacks resources (class 53: disk full, out of memory, too many connections). Answered 503 with Retry-After.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => IsOutcomeUnknown(exception) || IsTransient(exception) || Find(exception) switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction
                                      || postgres.SqlState.StartsWith("53", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>A COMMIT broke off unanswered: what it committed, if anything, is unknown (<see cref="CommitOutcomeUnknownException"/>).</summary>
    public static bool IsOutcomeUnknown(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
            if (current is CommitOutcomeUnknownException) return true;
        return false;
    }

    /// <summary>The database refuses writes only (read-only, or out of disk): reads still work.</summary>
    public static bool RefusesWrites(Exception exception) => Find(exception) is PostgresException postgres
        && (postgres.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction || postgres.SqlState == PostgresErrorCodes.DiskFull);

    /// <summary>
    /// The connection itself is gone (an I/O failure, or the server closing it): every idle connection in the
    /// pool probably went the same way, as after a restart, or no host is the primary now (a failover).
    /// </summary>
    public static bool IsConnectionLost(Exception exception) => Find(exception) switch
    {
        PostgresException postgres => IsConnectionState(postgres.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient || IsWithoutPrimary(npgsql),
        _ => false,
    };

    /// <summary>
    /// A multi-host data source (<c>Host=a:p1,b:p2;Target Session Attributes=primary</c>) found no host it may use:
    /// every host answered as a standby ("No suitable host was found.", no inner exception: a standby is being
    /// promoted), or every host failed in a way that is itself transient (an AggregateException of them: refused,
    /// reset, starting up). Npgsql gives these two no type or SQLSTATE of their own, hence the message and shape.
    /// </summary>
    public static bool IsWithoutPrimary(NpgsqlException exception) => exception is not PostgresException && exception.InnerException switch
    {
        null => exception.Message == NoSuitableHost,
        AggregateException hosts => hosts.InnerExceptions.Count > 0 && hosts.InnerExceptions.All(IsTransient),
        _ => false,
    };

    /// <summary>NpgsqlMultiHostDataSource's message when every host is up but none is of the kind asked for.</summary>
    private const string NoSuitableHost = "No suitable host was found.";

    private static bool IsConnectionState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;

    /// <summary>The Npgsql failure behind <paramref name="exception"/>, however it was wrapped.</summary>
    private static NpgsqlException? Find(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is OperationCanceledException) return null;
            if (current is NpgsqlException npgsql) return npgsql;
        }
        return null;
    }
}
