using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data.Embedded;
using Npgsql;

namespace Aggregator.Api.Tests.Faults;

/// <summary>The faults the tests inject into a cluster of their own, as its superuser.</summary>
public static class FaultyDatabase
{
    /// <summary>
    /// Every new transaction read-only (as on a standby, or a server set so to stop writes); returns once a new
    /// session sees the setting. A session idle at the reload takes it after its next command, so its next
    /// transaction may still write: the caller drops its pooled sessions.
    /// </summary>
    public static async Task SetReadOnlyAsync(EmbeddedPostgres postgres, bool readOnly)
    {
        await AsSuperuserAsync(postgres,
            readOnly ? "ALTER SYSTEM SET default_transaction_read_only = on" : "ALTER SYSTEM RESET default_transaction_read_only",
            "SELECT pg_reload_conf()");
        for (var polls = 0; polls < 1000; polls++)
        {
            await using var connection = new NpgsqlConnection(postgres.SuperuserConnectionString);
            await connection.OpenAsync();
            await using var show = new NpgsqlCommand("SHOW default_transaction_read_only", connection);
            if ((string?)await show.ExecuteScalarAsync() == (readOnly ? "on" : "off")) return;
            await Task.Delay(10);
        }
        Assert.Fail("The server did not take the new default_transaction_read_only.");
    }

    /// <summary>Ends every session of the application's role, as a network cut or a failover does; returns how many.</summary>
    public static async Task<int> CutApplicationConnectionsAsync(EmbeddedPostgres postgres)
    {
        await using var connection = new NpgsqlConnection(postgres.SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = $1", connection)
        {
            Parameters = { new() { Value = EmbeddedPostgres.AppRole } },
        };
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    /// <summary>Locks a unit's report rows (FOR UPDATE) in a transaction that lasts until the result is disposed.</summary>
    public static async Task<NpgsqlConnection> HoldReportAsync(EmbeddedPostgres postgres, Guid tenantId, string orgCode)
    {
        var connection = new NpgsqlConnection(postgres.SuperuserConnectionString);
        await connection.OpenAsync();
        // Disposing the connection rolls the transaction back.
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("""
            SELECT 1 FROM reports r JOIN org_units o ON o.tenant_id = r.tenant_id AND o.org_unit_id = r.org_unit_id
            WHERE r.tenant_id = $1 AND o.code = $2 FOR UPDATE OF r
            """, connection, transaction)
        {
            Parameters = { new() { Value = tenantId }, new() { Value = orgCode } },
        };
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>Waits until a session of the application waits for a lock, and ends every such session; returns how many.</summary>
    public static async Task<int> CutSessionsWaitingForALockAsync(EmbeddedPostgres postgres)
    {
        await using var connection = new NpgsqlConnection(postgres.SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE usename = $1 AND wait_event_type = 'Lock'
            """, connection)
        {
            Parameters = { new() { Value = EmbeddedPostgres.AppRole } },
        };
        for (var polls = 0; polls < 2000; polls++)
        {
            var cut = Convert.ToInt32(await command.ExecuteScalarAsync());
            if (cut > 0) return cut;
            await Task.Delay(10);
        }
        return 0;
    }

    /// <summary>
    /// Holds rollup_values in SHARE mode until the result is disposed: a rollup job then stops at its first change
    /// of the figures, inside its transaction, with its advisory lock held.
    /// </summary>
    public static async Task<NpgsqlConnection> HoldRollupFiguresAsync(EmbeddedPostgres postgres)
    {
        var connection = new NpgsqlConnection(postgres.SuperuserConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("LOCK TABLE rollup_values IN SHARE MODE", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>
    /// Polls until a session of the application waits for a lock on <paramref name="table"/>: the table's own lock, or a row
    /// of it (the waiter holds the row's tuple lock and waits for the holder's transaction). Found in pg_locks, not only in
    /// the statement's text, which pg_stat_activity cuts at 1 kB (the rollup job's statements name their table further on).
    /// </summary>
    public static async Task WaitForAWriterOfAsync(EmbeddedPostgres postgres, string table)
    {
        await using var connection = new NpgsqlConnection(postgres.SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM pg_stat_activity a
            WHERE a.usename = $1 AND a.wait_event_type = 'Lock'
              AND (a.query LIKE '%' || $2 || '%'
                   OR EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.relation = to_regclass($2)
                                                          AND (NOT l.granted OR l.locktype = 'tuple')))
            """, connection)
        {
            Parameters = { new() { Value = EmbeddedPostgres.AppRole }, new() { Value = table } },
        };
        for (var polls = 0; polls < 12_000; polls++)
        {
            if (Convert.ToInt32(await command.ExecuteScalarAsync()) > 0) return;
            await Task.Delay(10);
        }
        Assert.Fail($"No session came to wait for {table}.");
    }

    private static async Task AsSuperuserAsync(EmbeddedPostgres postgres, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(postgres.SuperuserConnectionString);
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
