using Dapper;
using Npgsql;

namespace Aggregator.Data;

/// <summary>
/// One explicit transaction whose row-level-security scope was set with set_config(…, true), so the scope
/// ends with the transaction and can never leak to the next user of the pooled connection.
/// </summary>
public sealed class DbSession : IAsyncDisposable
{
    private readonly CancellationToken _ct;
    private bool _completed;

    internal DbSession(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid? tenantId, CancellationToken ct)
    {
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

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    public Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters = null) =>
        Connection.QueryAsync<T>(Command(sql, parameters));

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters = null) =>
        Connection.QuerySingleOrDefaultAsync<T>(Command(sql, parameters));

    public Task<T> QuerySingleAsync<T>(string sql, object? parameters = null) =>
        Connection.QuerySingleAsync<T>(Command(sql, parameters));

    public Task<int> ExecuteAsync(string sql, object? parameters = null) =>
        Connection.ExecuteAsync(Command(sql, parameters));

    public Task<T?> ExecuteScalarAsync<T>(string sql, object? parameters = null) =>
        Connection.ExecuteScalarAsync<T>(Command(sql, parameters));

    public CommandDefinition Command(string sql, object? parameters = null) =>
        new(sql, parameters, Transaction, cancellationToken: _ct);

    public async Task CommitAsync()
    {
        await Transaction.CommitAsync(_ct);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed && Transaction.Connection is not null)
        {
            try { await Transaction.RollbackAsync(CancellationToken.None); }
            catch (NpgsqlException) { /* the connection is broken; disposing it is all that is left */ }
        }
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }

    internal static async Task<DbSession> BeginAsync(
        NpgsqlDataSource dataSource, IReadOnlyDictionary<string, string> settings, Guid? tenantId, CancellationToken ct)
    {
        const string sql = "SELECT set_config(s.name, s.value, true) FROM unnest(@names, @values) AS s(name, value)";
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            // BEGIN is sent together with this statement: one round trip.
            await connection.ExecuteAsync(new CommandDefinition(sql,
                new { names = settings.Keys.ToArray(), values = settings.Values.ToArray() }, transaction, cancellationToken: ct));
            return new DbSession(connection, transaction, tenantId, ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
