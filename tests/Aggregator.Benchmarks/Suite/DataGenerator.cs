using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aggregator.Domain.Templates;
using Npgsql;
using NpgsqlTypes;

namespace Aggregator.Benchmarks.Suite;

/// <summary>One generated tenant: its root and the leaves that report, with the ids the loader gave them.</summary>
internal sealed record GeneratedTenant(Guid Id, string Code, long RootId, IReadOnlyList<(long Id, string Code)> Reporters, IReadOnlyList<int> Years);

/// <summary>
/// Tenants with an org tree (root → streets of about 25 → communities) and a report for every year from every
/// community, each year in the template that applies to it, every cell of that template filled. Deterministic:
/// the values of (tenant, unit, year) come from a Random seeded by the run's seed and those three numbers.
/// Loaded with binary COPY as the cluster's superuser (COPY FROM is refused under forced row-level security for
/// every other role), then ANALYZEd. The reports count: version 1, accepted, counted_version = 1.
/// <para>
/// Speed (a full run loads 20 M values and must finish in 20 minutes, so at least 200 k values/s): the load runs with
/// session_replication_role = replica, which skips the foreign-key triggers — a per-row lookup of the report, most of
/// the server's work per value — since every row written here references a row written before it; and
/// <paramref name="loaders"/> tenants load at once, one connection each, so that both cores of the server work while
/// a COPY stream waits on the client. Unit ids are handed out when a tenant is asked for, in call order, so the data
/// stay the same for a seed however the loads interleave.
/// </para>
/// </summary>
internal sealed class DataGenerator(string superuserConnectionString, TemplateCatalog catalog, int seed, int loaders = 1)
{
    /// <summary>2017 (bj-gip-2017) and 2021 (cn-gip-2021) first, so that two years already hold both layouts.</summary>
    public static readonly int[] YearOrder = [2017, 2021, 2018, 2019, 2020, 2022, 2023, 2024, 2025, 2026];

    private long _nextUnitId = 1_000_000;
    private readonly SemaphoreSlim _loaders = new(loaders);
    private long _valuesWritten, _valuesExpected, _serverTicks, _clientTicks, _buildTicks;

    public long ValuesWritten => Interlocked.Read(ref _valuesWritten);
    public long ValuesExpected => Interlocked.Read(ref _valuesExpected);

    /// <summary>
    /// CPU time the server's backends spent loading (Linux, the server on this machine; zero elsewhere): the load's
    /// cost in cores, which other work on a shared machine does not change the way it changes elapsed time.
    /// </summary>
    public TimeSpan ServerCpu => TimeSpan.FromSeconds(Interlocked.Read(ref _serverTicks) / 100.0);

    /// <summary>CPU time this process spent making the reports and writing the values (the threads that did it; Linux).</summary>
    public TimeSpan ClientCpu => TimeSpan.FromSeconds((Interlocked.Read(ref _clientTicks) + Interlocked.Read(ref _buildTicks)) / 100.0);

    /// <summary>The part of <see cref="ClientCpu"/> spent making the reports (values, JSON, hash) rather than writing them.</summary>
    public TimeSpan BuildCpu => TimeSpan.FromSeconds(Interlocked.Read(ref _buildTicks) / 100.0);

    private static long ThreadTicks() => Ticks("/proc/thread-self/stat");

    public async Task<GeneratedTenant> TenantAsync(string code, int units, IReadOnlyList<int> years, int tenantNumber)
    {
        if (units < 3) throw new ArgumentOutOfRangeException(nameof(units), "a tenant needs a root, a street and a community");
        var tenantId = new Guid(MD5.HashData(Encoding.UTF8.GetBytes($"{seed}/{code}")));
        var streets = Math.Max(1, (units - 1) / 25);
        var root = _nextUnitId++;
        var streetIds = Enumerable.Range(0, streets).Select(_ => _nextUnitId++).ToArray();
        var reporters = Enumerable.Range(0, units - 1 - streets).Select(index => (Id: _nextUnitId++, Code: $"{code}-c{index:D5}")).ToList();

        await _loaders.WaitAsync();
        try
        {
            await LoadAsync(tenantId, code, tenantNumber, root, streetIds, reporters, years);
        }
        finally { _loaders.Release(); }
        return new GeneratedTenant(tenantId, code, root, reporters, years);
    }

    private async Task LoadAsync(Guid tenantId, string code, int tenantNumber, long root, long[] streetIds, List<(long Id, string Code)> reporters,
        IReadOnlyList<int> years)
    {
        var streets = streetIds.Length;
        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync();
        await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", connection))
            await replica.ExecuteNonQueryAsync();
        await using (var tenant = new NpgsqlCommand("INSERT INTO tenants (tenant_id, code, name, kind) VALUES ($1, $2, $3, 'district')", connection)
                     { Parameters = { new() { Value = tenantId }, new() { Value = code }, new() { Value = $"区 {code}" } } })
            await tenant.ExecuteNonQueryAsync();

        await using (var tree = await connection.BeginBinaryImportAsync(
                         "COPY org_units (tenant_id, org_unit_id, code, name, kind, parent_id, path, reports) FROM STDIN (FORMAT BINARY)"))
        {
            await UnitAsync(tree, tenantId, root, code, "district", null, $"{root}", false);
            for (var s = 0; s < streets; s++)
                await UnitAsync(tree, tenantId, streetIds[s], $"{code}-s{s:D3}", "sub-district", root, $"{root}.{streetIds[s]}", false);
            for (var c = 0; c < reporters.Count; c++)
            {
                var street = streetIds[c % streets];
                await UnitAsync(tree, tenantId, reporters[c].Id, reporters[c].Code, "other", street, $"{root}.{street}.{reporters[c].Id}", true);
            }
            await tree.CompleteAsync();
        }

        foreach (var year in years) await YearAsync(connection, tenantId, tenantNumber, reporters, year);
        Interlocked.Add(ref _serverTicks, BackendTicks(connection.ProcessID));
    }

    /// <summary>utime + stime of a backend in clock ticks (100 a second on Linux), from /proc; 0 where there is none.</summary>
    private static long BackendTicks(int pid) => Ticks($"/proc/{pid}/stat");

    private static long Ticks(string path)
    {
        if (!File.Exists(path)) return 0;
        // Fields after the command name, which is in parentheses: state is the first, utime the 12th, stime the 13th.
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    }

    /// <summary>
    /// Before a bulk load: no autovacuum of the tables being loaded until <see cref="FinishAsync"/>. An insert-only table
    /// is vacuumed again each time it grows by a fifth, so a 20 M-value load would scan report_values several times
    /// over on the same two cores; the load's own ANALYZE at the end gives the planner what it needs.
    /// </summary>
    public async Task PrepareBulkAsync()
    {
        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync();
        await using var pause = new NpgsqlCommand("""
            ALTER TABLE reports SET (autovacuum_enabled = off);
            ALTER TABLE report_versions SET (autovacuum_enabled = off);
            ALTER TABLE report_values SET (autovacuum_enabled = off);
            """, connection);
        await pause.ExecuteNonQueryAsync();
    }

    /// <summary>Identity sequences past the explicit ids, autovacuum back, tables analyzed; after the last tenant.</summary>
    public async Task FinishAsync()
    {
        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync();
        await using var finish = new NpgsqlCommand("""
            SELECT setval(pg_get_serial_sequence('org_units', 'org_unit_id'), (SELECT max(org_unit_id) FROM org_units));
            ALTER TABLE reports RESET (autovacuum_enabled);
            ALTER TABLE report_versions RESET (autovacuum_enabled);
            ALTER TABLE report_values RESET (autovacuum_enabled);
            ANALYZE org_units; ANALYZE reports; ANALYZE report_versions; ANALYZE report_values;
            """, connection) { CommandTimeout = 0 };
        await finish.ExecuteNonQueryAsync();
    }

    private async Task YearAsync(NpgsqlConnection connection, Guid tenantId, int tenantNumber, IReadOnlyList<(long Id, string Code)> reporters, int year)
    {
        var template = catalog.ForYear(year) ?? throw new InvalidOperationException($"no template applies to {year}");
        var cells = template.Indicators.Select(indicator => (indicator.Code, Decimal: indicator.ValueType == IndicatorValueType.Decimal)).ToArray();
        var building = ThreadTicks();
        var reports = reporters.Select(unit =>
        {
            var random = new Random(HashCode.Combine(seed, tenantNumber, unit.Id, year));
            var values = cells.Select(cell => cell.Decimal ? Math.Round((decimal)random.NextDouble() * 1000, 2) : random.Next(0, 100)).ToArray();
            var json = JsonSerializer.Serialize(cells.Select((cell, i) => (cell.Code, Value: values[i])).ToDictionary(pair => pair.Code, pair => (decimal?)pair.Value));
            return (unit.Id, Values: values, Json: json, Hash: SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        }).ToList();
        Interlocked.Add(ref _buildTicks, ThreadTicks() - building);

        await using (var rows = await connection.BeginBinaryImportAsync(
                         "COPY reports (tenant_id, org_unit_id, year, template, current_version, content_hash, counted_version, counted_template) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var report in reports)
            {
                await rows.StartRowAsync();
                await rows.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await rows.WriteAsync(report.Id, NpgsqlDbType.Bigint);
                await rows.WriteAsync(year, NpgsqlDbType.Integer);
                await rows.WriteAsync(template.Code, NpgsqlDbType.Text);
                await rows.WriteAsync(1, NpgsqlDbType.Integer);
                await rows.WriteAsync(report.Hash, NpgsqlDbType.Bytea);
                await rows.WriteAsync(1, NpgsqlDbType.Integer);
                await rows.WriteAsync(template.Code, NpgsqlDbType.Text);
            }
            await rows.CompleteAsync();
        }
        await using (var rows = await connection.BeginBinaryImportAsync(
                         "COPY report_versions (tenant_id, org_unit_id, year, version, template, values, content_hash, api_key_id, status) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var report in reports)
            {
                await rows.StartRowAsync();
                await rows.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await rows.WriteAsync(report.Id, NpgsqlDbType.Bigint);
                await rows.WriteAsync(year, NpgsqlDbType.Integer);
                await rows.WriteAsync(1, NpgsqlDbType.Integer);
                await rows.WriteAsync(template.Code, NpgsqlDbType.Text);
                await rows.WriteAsync(report.Json, NpgsqlDbType.Jsonb);
                await rows.WriteAsync(report.Hash, NpgsqlDbType.Bytea);
                await rows.WriteAsync("bench", NpgsqlDbType.Text);
                await rows.WriteAsync("accepted", NpgsqlDbType.Text);
            }
            await rows.CompleteAsync();
        }
        // 20 M rows at full size: encoded here, written synchronously to the raw COPY stream (ValueRows).
        var writing = ThreadTicks();
        var sum = 0m;
        using (var stream = connection.BeginRawBinaryCopy("COPY report_values (tenant_id, year, org_unit_id, indicator, value) FROM STDIN (FORMAT BINARY)"))
        {
            var rows = new ValueRows(stream, tenantId, year, cells.Select(cell => cell.Code).ToArray());
            foreach (var report in reports)
            {
                for (var i = 0; i < cells.Length; i++)
                {
                    rows.Write(report.Id, i, report.Values[i]);
                    sum += report.Values[i];
                }
            }
            rows.Complete();
        }
        Interlocked.Add(ref _clientTicks, ThreadTicks() - writing);

        // What the server stored, against what was sent: the count written, and a wrong encoding would not pass either.
        await using (var check = new NpgsqlCommand("SELECT count(*), coalesce(sum(value), 0) FROM report_values WHERE tenant_id = $1 AND year = $2", connection)
                     { Parameters = { new() { Value = tenantId }, new() { Value = year } } })
        await using (var stored = await check.ExecuteReaderAsync())
        {
            await stored.ReadAsync();
            var (count, storedSum) = (stored.GetInt64(0), stored.GetDecimal(1));
            if (count != (long)reports.Count * cells.Length || storedSum != sum)
                throw new InvalidOperationException($"report_values of {tenantId}/{year}: {count:N0} rows summing to {storedSum} stored, {(long)reports.Count * cells.Length:N0} summing to {sum} sent");
            Interlocked.Add(ref _valuesWritten, count);
        }
        Interlocked.Add(ref _valuesExpected, (long)reports.Count * cells.Length);
    }

    private static async Task UnitAsync(NpgsqlBinaryImporter tree, Guid tenantId, long id, string code, string kind, long? parent, string path, bool reports)
    {
        await tree.StartRowAsync();
        await tree.WriteAsync(tenantId, NpgsqlDbType.Uuid);
        await tree.WriteAsync(id, NpgsqlDbType.Bigint);
        await tree.WriteAsync(code, NpgsqlDbType.Text);
        await tree.WriteAsync(code, NpgsqlDbType.Text);
        await tree.WriteAsync(kind, NpgsqlDbType.Text);
        if (parent is { } parentId) await tree.WriteAsync(parentId, NpgsqlDbType.Bigint);
        else await tree.WriteNullAsync();
        await tree.WriteAsync(path, NpgsqlDbType.LTree);
        await tree.WriteAsync(reports, NpgsqlDbType.Boolean);
    }
}
