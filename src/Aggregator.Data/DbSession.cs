using System.Data;
using Dapper;
using Aggregator.Data.Resilience;
using Aggregator.Data.Telemetry;
using Npgsql;

namespace Aggregator.Data;

/// <summary>
/// One explicit transaction (or, from <see cref="TenantDb.ReadOneAsync{T}"/>, one command in an implicit one) whose
/// row-level-security scope was set transaction-locally (set_config(…, true), or SET LOCAL: <see cref="ScopeCommand"/>),
/// so the scope ends with the transaction and can never leak to the next user of the pooled connection. The scope goes
/// out with the session's first statement, in the same command: no round trip of its own.
/// </summary>
/// <remarks>
/// A session whose statement failed hands its connection back to the pool only once it is known to be clean:
/// rolled back, and with Npgsql's auto-prepared statements forgotten. Npgsql records a statement as prepared
/// as soon as PostgreSQL answers its Parse; when the Bind of that same first prepared use fails (a NUL in a
/// text parameter, an encoding error), the Describe that would have given it a row description is skipped,
/// and the connection keeps a "prepared" statement without one. The next command with the same SQL on that
/// connection, whichever tenant sends it, then reads rows it has no description for ("unexpected backend
/// message DataRow"). See <see cref="DisposeAsync"/>: the one place a connection is cleaned after a failure.
/// </remarks>
public sealed class DbSession : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction? _transaction;
    private readonly CancellationToken _ct;
    private readonly ScopeCommand _scopeCommand;
    private ScopeStatement? _pendingScope;
    private bool _completed;
    private bool _failed;

    private DbSession(NpgsqlDataSource dataSource, NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyDictionary<string, string> settings, ScopeCommand scopeCommand, Guid? tenantId, CancellationToken ct)
    {
        _dataSource = dataSource;
        _connection = connection;
        _transaction = transaction;
        _scopeCommand = scopeCommand;
        _pendingScope = ScopeStatement.For(scopeCommand, settings);
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
    /// The session's connection, for tools and tests that need more than the methods below. Its scope is set before it
    /// is handed out (a round trip of its own when no statement went first); a statement run on it directly must go
    /// through <see cref="GuardAsync{T}"/>, so that its failure is noticed before the connection is pooled.
    /// </summary>
    public NpgsqlConnection Connection
    {
        get
        {
            if (_pendingScope is { } scope)
            {
                _pendingScope = null;
                _connection.Execute(new CommandDefinition(scope.Sql, scope.Parameters, _transaction));
            }
            return _connection;
        }
    }

    public NpgsqlTransaction? Transaction => _transaction;

    public Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters = null) =>
        _pendingScope is null
            ? GuardAsync(_connection.QueryAsync<T>(Command(sql, parameters)))
            : ScopedAsync(sql, parameters, async grid => (IEnumerable<T>)(await grid.ReadAsync<T>()).AsList());

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters = null) =>
        _pendingScope is null
            ? GuardAsync(_connection.QuerySingleOrDefaultAsync<T>(Command(sql, parameters)))
            : ScopedAsync(sql, parameters, grid => grid.ReadSingleOrDefaultAsync<T>());

    public Task<T> QuerySingleAsync<T>(string sql, object? parameters = null) =>
        _pendingScope is null
            ? GuardAsync(_connection.QuerySingleAsync<T>(Command(sql, parameters)))
            : ScopedAsync(sql, parameters, grid => grid.ReadSingleAsync<T>());

    /// <summary>The first column of the first row of a query, or default without rows.</summary>
    public Task<T?> ExecuteScalarAsync<T>(string sql, object? parameters = null) =>
        _pendingScope is null
            ? GuardAsync(_connection.ExecuteScalarAsync<T>(Command(sql, parameters)))
            : ScopedAsync(sql, parameters, grid => grid.ReadFirstOrDefaultAsync<T>());

    /// <summary>Runs a statement (or several, one command) and returns the rows they changed.</summary>
    public async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        if (_pendingScope is null) return await GuardAsync(_connection.ExecuteAsync(Command(sql, parameters)));
        // The scope's SELECT goes first in the same command; the rows changed are counted over the statements after it.
        return await GuardAsync(ExecuteScopedAsync(sql, parameters));
    }

    /// <summary>
    /// Several statements as one command, one round trip: <paramref name="read"/> reads their results in order (every
    /// statement must return a result set: a write without one takes a RETURNING or a SELECT around it). Parameters are
    /// shared by name. PostgreSQL runs them one after the other, each with its own snapshot under READ COMMITTED, so a
    /// statement sees what a lock taken by one before it waited for.
    /// </summary>
    public Task<T> QueryMultipleAsync<T>(string sql, object? parameters, Func<SqlMapper.GridReader, Task<T>> read) =>
        _pendingScope is null ? GuardAsync(MultipleAsync(sql, parameters, read)) : ScopedAsync(sql, parameters, read);

    public CommandDefinition Command(string sql, object? parameters = null) => new(sql, parameters, _transaction, cancellationToken: _ct);

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

    private async Task<T> MultipleAsync<T>(string sql, object? parameters, Func<SqlMapper.GridReader, Task<T>> read)
    {
        await using var grid = await _connection.QueryMultipleAsync(Command(sql, parameters));
        var result = await read(grid);
        // The results the caller did not read are read here, to the end: Dapper disposes of a grid left unfinished by
        // cancelling its command, and Npgsql cancels by opening a new connection to the server (measured: 15% of a
        // report POST's time), whose cancel may even land on this connection's next statement.
        while (!grid.IsConsumed) await grid.ReadAsync();
        return result;
    }

    private Task<T> ScopedAsync<T>(string sql, object? parameters, Func<SqlMapper.GridReader, Task<T>> read)
    {
        var (scopeSql, merged, scopeReturnsRows) = WithScope(parameters);
        return GuardAsync(MultipleAsync($"{scopeSql};\n{sql}", merged, async grid =>
        {
            // set_config's SELECT answers a row; a SET answers no result set, and the reader never shows it one.
            if (scopeReturnsRows) await grid.ReadAsync<string>();
            return await read(grid);
        }));
    }

    private async Task<int> ExecuteScopedAsync(string sql, object? parameters)
    {
        var (scopeSql, merged, _) = WithScope(parameters);
        await using var reader = await _connection.ExecuteReaderAsync(Command($"{scopeSql};\n{sql}", merged));
        while (await reader.NextResultAsync(_ct)) { }
        await reader.CloseAsync();
        // As the command's ExecuteNonQuery would say: the rows of its INSERT, UPDATE, DELETE… statements (a SELECT, such as
        // the scope's, counts none), -1 when it has none.
        return reader.RecordsAffected;
    }

    /// <summary>The scope's statement, the parameters with the scope's, and the scope marked as sent (a failure fails the session anyway).</summary>
    private (string Sql, DynamicParameters Parameters, bool ReturnsRows) WithScope(object? parameters)
    {
        var scope = _pendingScope!;
        _pendingScope = null;
        var merged = new DynamicParameters();
        if (parameters is not null) merged.AddDynamicParams(parameters);
        if (scope.Parameters is not null) merged.AddDynamicParams(scope.Parameters);
        return (scope.Sql, merged, scope.ReturnsRows);
    }

    /// <summary>
    /// Within a key-lookup transaction, enters the key's tenant (<see cref="TenantDb.EnterTenantAsync"/>), written as the
    /// session's scope is (<see cref="ScopeCommand"/>).
    /// </summary>
    internal Task EnterTenantAsync(Guid tenantId) => _scopeCommand == ScopeCommand.SetConfig
        ? ExecuteAsync($"SELECT set_config('{TenantDb.TenantSetting}', @enteredTenant, true)", new { enteredTenant = tenantId.ToString() })
        : ExecuteAsync(ScopeStatement.For(_scopeCommand, new Dictionary<string, string> { [TenantDb.TenantSetting] = tenantId.ToString() }).Sql);

    /// <summary>
    /// Commits. A COMMIT that breaks off without PostgreSQL's answer (the connection broke, the server went down) leaves the
    /// outcome unknown: <see cref="CommitOutcomeUnknownException"/>, never retried, so that nothing is stored twice.
    /// PostgreSQL's ERROR answer to COMMIT means it rolled back, and is thrown as it is.
    /// </summary>
    public async Task CommitAsync()
    {
        if (_transaction is null) throw new InvalidOperationException("This session runs one command in an implicit transaction; there is nothing to commit.");
        using var activity = AggregatorTelemetry.StartCommit();
        try
        {
            await _transaction.CommitAsync(_ct);
        }
        catch (Exception error)
        {
            _failed = true;
            if (error is PostgresException { InvariantSeverity: "ERROR" } || error is OperationCanceledException) throw;
            throw new CommitOutcomeUnknownException(error);
        }
        _completed = true;
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
            await _connection.DisposeAsync();
        }
    }

    /// <summary>True when the connection may go back to the pool (or will be closed by Npgsql anyway).</summary>
    private async Task<bool> TryEndCleanlyAsync()
    {
        if (IsBroken) return true;
        try
        {
            // Idle: no reader left open, no command in flight.
            if (_connection.FullState != ConnectionState.Open) return false;
            if (!_completed && IsTransactionOpen) await _transaction!.RollbackAsync(CancellationToken.None);
            // A failed statement may have left a half-prepared statement behind (see the remarks above). Its
            // name and description live only in this connection's bookkeeping: forget all of them. Npgsql
            // offers this only synchronously; it is one round trip, on the failure path only.
            if (_failed) _connection.UnprepareAll();
            return _connection.FullState == ConnectionState.Open;
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

    private bool IsBroken => _connection.FullState is ConnectionState.Broken or ConnectionState.Closed;

    /// <summary>
    /// False once Npgsql has ended the transaction: its Connection is null after a failed COMMIT, and the
    /// object is disposed once Npgsql rolled it back itself.
    /// </summary>
    private bool IsTransactionOpen
    {
        get
        {
            if (_transaction is null) return false;
            try
            {
                return _transaction.Connection is not null;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Opens a session: a transaction (BEGIN goes out with the first statement, as does the scope), or, with
    /// <paramref name="transaction"/> false, one command whose statements PostgreSQL runs in one implicit transaction.
    /// </summary>
    internal static async Task<DbSession> BeginAsync(
        NpgsqlDataSource dataSource, IReadOnlyDictionary<string, string> settings, ScopeCommand scopeCommand, Guid? tenantId,
        CancellationToken ct, IsolationLevel isolation = IsolationLevel.Unspecified, bool transaction = true)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var begun = transaction ? await connection.BeginTransactionAsync(isolation, ct) : null;
            return new DbSession(dataSource, connection, begun, settings, scopeCommand, tenantId, ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
