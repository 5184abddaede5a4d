using System.Data;
using Dapper;
using Aggregator.Data.Resilience;
using Npgsql;

namespace Aggregator.Data;

/// <summary>
/// One explicit transaction whose row-level-security scope was set with set_config(…, true), so the scope
/// ends with the transaction and can never leak to the next user of the pooled connection.
/// </summary>
/// <remarks>
/// A session whose statement failed hands its connection back to the pool only once it is known to be clean:
/// rolled back, and with Npgsql's auto-prepared statements forgotten. Npgsql records a statement as prepared
/// as soon as PostgreSQL answers its Parse; when the Bind of that same first prepared use fails (a NUL in a
/// text parameter, an encoding error), the Describe that would have given it a row description is skipped,
/// and the connection keeps a "prepared" statement without one. The next command with the same SQL on that
/// connection, whichever tenant sends it, then reads rows it has no description for ("unexpected backend
/// message DataRow"). See <see cref="DisposeAsync"/>.
/// </remarks>
public sealed class DbSession : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly CancellationToken _ct;
    private bool _completed;
    private bool _failed;
    private bool _mayHaveWritten;

    internal DbSession(NpgsqlDataSource dataSource, NpgsqlConnection connection, NpgsqlTransaction transaction, Guid? tenantId, CancellationToken ct)
    {
        _dataSource = dataSource;
        Connection = connection;
        Transaction = transaction;
        TenantId = tenantId;
        _ct = ct;
    }

    /// <summary>
    /// The tenant this transaction is scoped to, for the explicit <c>tenant_id = @tenantId</c> that every
    /// statement carries beside the row-level-security policy; null on platform and key-lookup transactions.
    /// </summary>
    public Guid? TenantId { get; }

    /// <summary>The tenant of a tenant-scoped transaction; throws on any other.</summary>
    public Guid Tenant => TenantId ?? throw new InvalidOperationException("This transaction is not scoped to a tenant.");

    /// <summary>
    /// The session's connection, for what the methods below cannot express. A statement run on it directly
    /// must go through <see cref="GuardAsync{T}"/>, so that its failure is noticed before the connection is pooled.
    /// </summary>
    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    public Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters = null) =>
        GuardAsync(Connection.QueryAsync<T>(Command(sql, parameters)));

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters = null) =>
        GuardAsync(Connection.QuerySingleOrDefaultAsync<T>(Command(sql, parameters)));

    public Task<T> QuerySingleAsync<T>(string sql, object? parameters = null) =>
        GuardAsync(Connection.QuerySingleAsync<T>(Command(sql, parameters)));

    public Task<int> ExecuteAsync(string sql, object? parameters = null) =>
        GuardAsync(Connection.ExecuteAsync(Command(sql, parameters)));

    public Task<T?> ExecuteScalarAsync<T>(string sql, object? parameters = null) =>
        GuardAsync(Connection.ExecuteScalarAsync<T>(Command(sql, parameters)));

    public CommandDefinition Command(string sql, object? parameters = null)
    {
        // Once a statement may have written, the rest need no reading.
        if (!_mayHaveWritten) _mayHaveWritten = WritingStatements.MayWrite(sql);
        return new(sql, parameters, Transaction, cancellationToken: _ct);
    }

    /// <summary>Awaits a statement of this session, remembering that the connection needs cleaning if it fails.</summary>
    public async Task<T> GuardAsync<T>(Task<T> statement)
    {
        try
        {
            return await statement;
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    public async Task CommitAsync()
    {
        try
        {
            await Transaction.CommitAsync(_ct);
        }
        catch (Exception error)
        {
            _failed = true;
            // PostgreSQL's ERROR answer to COMMIT means it rolled back; anything else (the connection broke, the
            // server went down) leaves the outcome unknown, and the unit of work must not be repeated blindly.
            if (_mayHaveWritten && error is not PostgresException { InvariantSeverity: "ERROR" }) CommitJournal.Current?.RecordUnknownOutcome();
            throw;
        }
        _completed = true;
        if (_mayHaveWritten) CommitJournal.Current?.RecordCommit();
    }

    /// <summary>
    /// Rolls back what was not committed and returns the connection to the pool only in a known state: cleaned
    /// after a failure, discarded by Npgsql when broken, and the pool cleared when neither can be established.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!await TryEndCleanlyAsync())
            {
                // Neither broken (Npgsql closes a broken connection instead of pooling it) nor known to be clean.
                // Npgsql cannot discard one pooled connection, so every connection opened until now is closed
                // when it is returned rather than risk serving another request from this one. (The data source's
                // Clear: NpgsqlConnection.ClearPool does not reach the pool of an NpgsqlDataSource.)
                _dataSource.Clear();
            }
        }
        finally
        {
            await Connection.DisposeAsync();
        }
    }

    /// <summary>True when the connection may go back to the pool (or will be closed by Npgsql anyway).</summary>
    private async Task<bool> TryEndCleanlyAsync()
    {
        if (IsBroken) return true;
        try
        {
            // Idle: no reader left open, no command in flight.
            if (Connection.FullState != ConnectionState.Open) return false;
            if (!_completed && IsTransactionOpen) await Transaction.RollbackAsync(CancellationToken.None);
            // A failed statement may have left a half-prepared statement behind (see the remarks above). Its
            // name and description live only in this connection's bookkeeping: forget all of them. Npgsql
            // offers this only synchronously; it is one round trip, on the failure path only.
            if (_failed) Connection.UnprepareAll();
            return Connection.FullState == ConnectionState.Open;
        }
        catch (Exception) when (IsBroken)
        {
            return true;
        }
        catch (Exception error) when (error is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }

    private bool IsBroken => Connection.FullState is ConnectionState.Broken or ConnectionState.Closed;

    /// <summary>
    /// False once Npgsql has ended the transaction: its Connection is null after a failed COMMIT, and the
    /// object is disposed once Npgsql rolled it back itself.
    /// </summary>
    private bool IsTransactionOpen
    {
        get
        {
            try
            {
                return Transaction.Connection is not null;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }

    internal static async Task<DbSession> BeginAsync(
        NpgsqlDataSource dataSource, IReadOnlyDictionary<string, string> settings, Guid? tenantId, CancellationToken ct,
        IsolationLevel isolation = IsolationLevel.Unspecified)
    {
        const string sql = "SELECT set_config(s.name, s.value, true) FROM unnest(@names, @values) AS s(name, value)";
        var connection = await dataSource.OpenConnectionAsync(ct);
        DbSession? session = null;
        try
        {
            var transaction = await connection.BeginTransactionAsync(isolation, ct);
            session = new DbSession(dataSource, connection, transaction, tenantId, ct);
            // BEGIN is sent together with this statement: one round trip.
            await session.ExecuteAsync(sql, new { names = settings.Keys.ToArray(), values = settings.Values.ToArray() });
            return session;
        }
        catch
        {
            if (session is not null) await session.DisposeAsync();
            else await connection.DisposeAsync();
            throw;
        }
    }
}
