using Npgsql;

namespace Aggregator.Data;

/// <summary>
/// A session-level advisory lock held, on an owner connection of its own, while a process changes the schema
/// (DbUp's scripts, Hangfire's tables). Replicas that start together on an empty database then migrate one
/// after the other: the second finds the work done instead of racing the first into duplicate-key errors
/// (23505 on pg_namespace_nspname_index). The lock dies with its session, so a crashed migrator frees it.
/// </summary>
public sealed class SchemaChangeLock : IAsyncDisposable, IDisposable
{
    /// <summary>One well-known key for every schema change of this service ("aggsch" in ASCII).</summary>
    public const long Key = 0x6167_6773_6368;

    private readonly NpgsqlConnection _connection;

    private SchemaChangeLock(NpgsqlConnection connection) => _connection = connection;

    public static SchemaChangeLock Acquire(string ownerConnectionString)
    {
        var connection = new NpgsqlConnection(ownerConnectionString);
        try
        {
            connection.Open();
            using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { Parameters = { new() { Value = Key } } };
            command.ExecuteNonQuery();
            return new SchemaChangeLock(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static async Task<SchemaChangeLock> AcquireAsync(string ownerConnectionString, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(ownerConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { Parameters = { new() { Value = Key } } };
            await command.ExecuteNonQueryAsync(ct);
            return new SchemaChangeLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection) { Parameters = { new() { Value = Key } } };
            command.ExecuteNonQuery();
        }
        finally
        {
            // Closing the session would release the lock anyway; the unlock only makes it prompt.
            _connection.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection) { Parameters = { new() { Value = Key } } };
            await command.ExecuteNonQueryAsync();
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
