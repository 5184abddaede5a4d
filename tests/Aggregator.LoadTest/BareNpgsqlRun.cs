using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Aggregator.LoadTest;

/// <summary>
/// The same rows with nothing around them: one transaction per report as the API runs it (tenant scope, lock
/// of the current pointer, pointer upsert, version row, value rows via unnest, idempotency record, audit row), without HTTP,
/// auth, validation or Dapper. The gap to the API run is what the API itself costs.
/// </summary>
internal sealed class BareNpgsqlRun(string connectionString, string tenant, IReadOnlyList<string> unitCodes, IReadOnlyDictionary<string, decimal?> values)
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
    {
        MaxAutoPrepare = 50, AutoPrepareMinUsages = 2, Multiplexing = false,
    }.ConnectionString);

    private readonly string[] _codes = values.Keys.ToArray();
    private readonly decimal?[] _values = values.Values.ToArray();
    private readonly string _json = JsonSerializer.Serialize(values);
    private readonly byte[] _hash = SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(values)));
    private Guid _tenantId;
    private long[] _units = [];

    public async Task PrepareAsync()
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // The app role may read its key's tenant only once scoped: look the ids up through the platform scope.
        await using (var scope = new NpgsqlCommand("SELECT set_config('app.scope', 'platform', true)", connection, transaction)) await scope.ExecuteNonQueryAsync();
        await using (var find = new NpgsqlCommand("SELECT tenant_id FROM tenants WHERE code = $1", connection, transaction) { Parameters = { new() { Value = tenant } } })
            _tenantId = (Guid)(await find.ExecuteScalarAsync())!;
        await using (var scope = new NpgsqlCommand("SELECT set_config('app.tenant_id', $1, true)", connection, transaction) { Parameters = { new() { Value = _tenantId.ToString() } } })
            await scope.ExecuteNonQueryAsync();
        await using var units = new NpgsqlCommand("SELECT org_unit_id FROM org_units WHERE code = ANY($1) ORDER BY code", connection, transaction) { Parameters = { new() { Value = unitCodes.ToArray() } } };
        var ids = new List<long>();
        await using (var reader = await units.ExecuteReaderAsync()) while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        _units = [.. ids];
        await transaction.CommitAsync();
    }

    public Task<RunResult> RunAsync(TimeSpan duration, int concurrency) =>
        RunResult.MeasureAsync(duration, concurrency, async (worker, round) =>
        {
            // Year 2016 keeps these rows apart from the API run's 2017 reports.
            await StoreAsync(_units[(int)((worker + round * concurrency) % _units.Length)], 2016);
            return true;
        });

    private async Task StoreAsync(long unit, int year)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await Execute("SELECT set_config('app.tenant_id', $1, true)", _tenantId.ToString());
        await Execute("SELECT current_version FROM reports WHERE org_unit_id = $1 AND year = $2 FOR UPDATE", unit, year);
        await using var advance = new NpgsqlCommand("""
            INSERT INTO reports AS r (tenant_id, org_unit_id, year, template, current_version, content_hash, counted_version, counted_template)
            VALUES ($1, $2, $3, 'bj-gip-2017', 1, $4, 1, 'bj-gip-2017')
            ON CONFLICT (tenant_id, org_unit_id, year) DO UPDATE
               SET current_version = r.current_version + 1, content_hash = excluded.content_hash, updated_at = now(),
                   counted_version = r.current_version + 1, counted_template = excluded.counted_template
            RETURNING current_version
            """, connection, transaction) { Parameters = { new() { Value = _tenantId }, new() { Value = unit }, new() { Value = year }, new() { Value = _hash } } };
        var version = (int)(await advance.ExecuteScalarAsync())!;
        await Execute("""
            INSERT INTO report_versions (tenant_id, org_unit_id, year, version, template, values, warnings, content_hash, api_key_id)
            VALUES ($1, $2, $3, $4, 'bj-gip-2017', $5::jsonb, '[]', $6, 'load')
            """, _tenantId, unit, year, version, _json, _hash);
        await Execute("DELETE FROM report_values WHERE tenant_id = $1 AND year = $2 AND org_unit_id = $3", _tenantId, year, unit);
        await Execute("""
            INSERT INTO report_values (tenant_id, year, org_unit_id, indicator, value)
            SELECT $1, $2, $3, v.indicator, v.value FROM unnest($4::text[], $5::numeric[]) AS v(indicator, value)
            """, _tenantId, year, unit, _codes, _values);
        await Execute("""
            INSERT INTO idempotency_keys (tenant_id, api_key_id, idempotency_key, request_hash, status_code, response_body, location, etag)
            VALUES ($1, 'load', $2, $3, 201, $4, $5, $6)
            """, _tenantId, Guid.NewGuid().ToString(), _hash, _json, $"/load/{unit}/{year}/{version}", $"\"{version}\"");
        await Execute("INSERT INTO audit_log (tenant_id, actor, action, subject) VALUES ($1, 'load', 'report.version-submitted', 'load')", _tenantId);
        await transaction.CommitAsync();

        async Task Execute(string sql, params object[] parameters)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
            await command.ExecuteNonQueryAsync();
        }
    }
}
