using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data;
using Dapper;
using Npgsql;

namespace Aggregator.Api.Tests.Edge;

/// <summary>A statement that fails must not leave its connection damaged for the next user of the pool.</summary>
[Collection(ApiCollection.Name)]
public sealed class PooledConnectionTests(ApiFixture api)
{
    [Fact]
    public async Task Should_give_the_next_session_a_clean_connection_after_a_statement_failed_on_its_first_prepared_use()
    {
        // One pooled connection, prepared as the app's own: every session below shares it.
        await using var dataSource = SingleConnectionDataSource();
        var tenantDb = new TenantDb(dataSource);
        const string sql = "SELECT @note::text AS note";

        // The app prepares a statement on its second use; PostgreSQL refuses the NUL when binding it.
        Assert.Equal("first", await NoteAsync(tenantDb, Guid.NewGuid(), sql, "first"));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => NoteAsync(tenantDb, Guid.NewGuid(), sql, "bad\0note"));
        Assert.Equal(PostgresErrorCodes.CharacterNotInRepertoire, refused.SqlState);

        // Another tenant's sessions on the same connection, with the same statement and others.
        var other = Guid.NewGuid();
        Assert.Equal("third", await NoteAsync(tenantDb, other, sql, "third"));
        Assert.Equal("fourth", await NoteAsync(tenantDb, other, sql, "fourth"));
        Assert.Equal(other.ToString(), await NoteAsync(tenantDb, other, "SELECT current_setting('app.tenant_id') AS note", ""));
    }

    [Fact]
    public async Task Should_not_hide_the_failure_of_a_statement_behind_the_cleanup()
    {
        await using var dataSource = SingleConnectionDataSource();
        var tenantDb = new TenantDb(dataSource);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(
                () => NoteAsync(tenantDb, Guid.NewGuid(), "SELECT @note::text AS note", "\0"));
            Assert.Equal(PostgresErrorCodes.CharacterNotInRepertoire, refused.SqlState);
        }
        Assert.Equal("after", await NoteAsync(tenantDb, Guid.NewGuid(), "SELECT @note::text AS note", "after"));
    }

    [Fact]
    public async Task Should_not_reuse_a_connection_left_in_the_middle_of_reading()
    {
        await using var dataSource = SingleConnectionDataSource();
        var tenantDb = new TenantDb(dataSource);
        int abandonedBackend;

        await using (var db = await tenantDb.BeginAsync(Guid.NewGuid(), CancellationToken.None))
        {
            abandonedBackend = await db.QuerySingleAsync<int>("SELECT pg_backend_pid()");
            var reader = await db.Connection.ExecuteReaderAsync(db.Command("SELECT g FROM generate_series(1, 100000) AS g"));
            Assert.True(await reader.ReadAsync());
            // The reader is left open: the session ends with the connection busy, in no state to be pooled.
        }

        await using (var db = await tenantDb.BeginAsync(Guid.NewGuid(), CancellationToken.None))
        {
            Assert.NotEqual(abandonedBackend, await db.QuerySingleAsync<int>("SELECT pg_backend_pid()"));
            Assert.Equal(1, await db.QuerySingleAsync<int>("SELECT 1"));
        }
    }

    [Fact]
    public async Task Should_give_a_clean_connection_after_a_one_round_trip_read_failed_and_keep_its_scope_to_that_read()
    {
        await using var dataSource = SingleConnectionDataSource();
        var tenantDb = new TenantDb(dataSource);
        const string sql = "SELECT @note::text AS note";
        Task<string?> ReadAsync(Guid tenant, string note) => tenantDb.ReadOneAsync<string>(tenant, sql, new DynamicParameters(new { note }), CancellationToken.None);

        // Refused with a NUL on its second use, the one that prepares it: the connection must come back clean.
        Assert.Equal("first", await ReadAsync(Guid.NewGuid(), "first"));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ReadAsync(Guid.NewGuid(), "bad\0note"));
        Assert.Equal(PostgresErrorCodes.CharacterNotInRepertoire, refused.SqlState);
        Assert.Equal("after", await ReadAsync(Guid.NewGuid(), "after"));
        Assert.Equal("again", await ReadAsync(Guid.NewGuid(), "again"));

        // The tenant setting holds for the read, and is gone once it ended (the same, only, pooled connection).
        var tenant = Guid.NewGuid();
        Assert.Equal(tenant.ToString(), await tenantDb.ReadOneAsync<string>(tenant, "SELECT current_setting('app.tenant_id') AS note", new DynamicParameters(), CancellationToken.None));
        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.True(string.IsNullOrEmpty(await connection.ExecuteScalarAsync<string>("SELECT current_setting('app.tenant_id', true)")));
    }

    private static async Task<string> NoteAsync(TenantDb tenantDb, Guid tenant, string sql, string note)
    {
        await using var db = await tenantDb.BeginAsync(tenant, CancellationToken.None);
        var read = await db.QuerySingleAsync<string>(sql, new { note });
        await db.CommitAsync();
        return read;
    }

    private NpgsqlDataSource SingleConnectionDataSource()
    {
        var app = new NpgsqlConnectionStringBuilder(api.AppDataSource.ConnectionString);
        var connection = new NpgsqlConnectionStringBuilder(api.Postgres.AppConnectionString)
        {
            MaxPoolSize = 1,
            MaxAutoPrepare = app.MaxAutoPrepare,
            AutoPrepareMinUsages = app.AutoPrepareMinUsages,
        };
        Assert.True(connection.MaxAutoPrepare > 0, "the app prepares statements automatically");
        // The tests fail a statement on its second use, the one that prepares it: that needs this setting.
        Assert.Equal(2, connection.AutoPrepareMinUsages);
        return NpgsqlDataSource.Create(connection.ConnectionString);
    }
}
