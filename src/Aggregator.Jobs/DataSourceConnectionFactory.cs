using Aggregator.Data;
using Hangfire.PostgreSql;
using Npgsql;

namespace Aggregator.Jobs;

/// <summary>
/// Hangfire's storage opens its connections from the process's session NpgsqlDataSource (the app role): the one pool, or
/// the direct one (Aggregator:Database:DirectConnectionString) past a transaction pooler, where its LISTEN would hear nothing.
/// </summary>
internal sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
}
