using Aggregator.Data;
using Hangfire.PostgreSql;
using Npgsql;

namespace Aggregator.Jobs;

/// <summary>Hangfire's storage opens its connections from the process's one NpgsqlDataSource (the app role).</summary>
internal sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
}
