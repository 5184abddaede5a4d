using Dapper;
using Npgsql;

namespace Aggregator.Data;

/// <summary>Which of the embedded migration scripts the database has not applied yet.</summary>
public sealed class MigrationStatus(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken ct)
    {
        const string sql = "SELECT scriptname FROM schemaversions";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var applied = (await connection.QueryAsync<string>(new CommandDefinition(sql, cancellationToken: ct))).ToHashSet();
        return DatabaseMigrator.ScriptNames.Where(s => !applied.Contains(s)).ToList();
    }
}
