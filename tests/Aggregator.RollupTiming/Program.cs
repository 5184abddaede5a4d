using System.Diagnostics;
using System.Text.Json;
using Aggregator.Data;
using Aggregator.Data.Embedded;
using Aggregator.Domain.Templates;
using Aggregator.Jobs.Rollups;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

// Recompute time of one (tenant, year) × every cn-gip-2021 cell, against a bare GROUP BY over the same rows, on a
// throwaway embedded PostgreSQL. The tree has the benchmark's shape: root → one street per 25 units → communities,
// every community reporting. Run: dotnet run -c Release --project tests/Aggregator.RollupTiming -- [units] [--explain FILE]
// units defaults to 1,000 (≈ 192 k values); 5,200 units ≈ 1 M values. --explain logs EXPLAIN (ANALYZE, BUFFERS)
// of every statement the job runs (auto_explain) and copies that log to FILE.
var units = args.Length > 0 && int.TryParse(args[0], out var u) ? u : 1_000;
var explainIndex = Array.IndexOf(args, "--explain");
var explainFile = explainIndex >= 0 && explainIndex + 1 < args.Length ? args[explainIndex + 1] : null;
// --durations: with --explain, only each statement's duration is logged (log_min_duration_statement = 0), without the
// cost of timing every row of every plan that auto_explain's analyze adds.
var durationsOnly = args.Contains("--durations");
var runs = units > 20_000 ? 2 : 6;
// --adjacent: the years before and after hold the same units' figures too, so the job stores two comparisons.
var adjacent = args.Contains("--adjacent");
// --changed: every value of the timed year changes before each run, so that the job rewrites every stored figure (the
// worst case of its in-place storing); without it the figures stay the same and a run writes nothing.
var changed = args.Contains("--changed");

var directory = Path.Combine(Path.GetTempPath(), $"aggregator-timing-{Guid.NewGuid():N}");
await using var postgres = await EmbeddedPostgres.StartAsync(directory, NullLogger.Instance);
var endpoint = new DatabaseEndpoint(postgres.AppConnectionString, postgres.OwnerConnectionString, Embedded: true);
DatabaseMigrator.Migrate(postgres.OwnerConnectionString, endpoint.AppRole, NullLogger.Instance);
await using var dataSource = NpgsqlDataSource.Create(postgres.AppConnectionString);
var tenantDb = new TenantDb(dataSource);
var catalog = TemplateCatalog.LoadFromDirectory(Path.Combine(AppContext.BaseDirectory, "templates"));
var template = catalog.Find("cn-gip-2021")!;
var codes = template.Indicators.Select(i => i.Code).ToArray();
const int year = 2023;
var streets = Math.Max(1, (units - 1) / 25);
var reporters = units - 1 - streets;

var tenantId = Guid.NewGuid();
await using (var db = await tenantDb.BeginTenantCreationAsync(tenantId, CancellationToken.None))
{
    await db.ExecuteAsync("INSERT INTO tenants (tenant_id, code, name, kind) VALUES (@tenantId, 'bench', 'bench', 'district')", new { tenantId });
    var firstCommunity = 2 + streets;
    await db.Connection.ExecuteAsync("""
        INSERT INTO org_units (tenant_id, org_unit_id, code, name, kind, parent_id, path) VALUES (@tenantId, 1, 'root', 'root', 'district', NULL, '1');
        INSERT INTO org_units (tenant_id, org_unit_id, code, name, kind, parent_id, path)
        SELECT @tenantId, s, 's' || s, 's', 'sub-district', 1, ('1.' || s)::ltree FROM generate_series(2, 1 + @streets) s;
        INSERT INTO org_units (tenant_id, org_unit_id, code, name, kind, parent_id, path, reports)
        SELECT @tenantId, c, 'c' || c, 'c', 'other', 2 + c % @streets, ('1.' || (2 + c % @streets) || '.' || c)::ltree, true
        FROM generate_series(@firstCommunity, @units) c;
        INSERT INTO reports (tenant_id, org_unit_id, year, template, current_version, content_hash, counted_version, counted_template)
        SELECT @tenantId, c, y, 'cn-gip-2021', 1, '\x00', 1, 'cn-gip-2021' FROM generate_series(@firstCommunity, @units) c, unnest(@years) y;
        INSERT INTO report_versions (tenant_id, org_unit_id, year, version, template, values, content_hash, api_key_id)
        SELECT @tenantId, c, y, 1, 'cn-gip-2021', '{}', '\x00', 'bench' FROM generate_series(@firstCommunity, @units) c, unnest(@years) y;
        INSERT INTO report_values (tenant_id, year, org_unit_id, indicator, value)
        SELECT @tenantId, y, c, code, (random() * 100)::int FROM generate_series(@firstCommunity, @units) c, unnest(@codes) code, unnest(@years) y;
        """, new { tenantId, year, codes, streets, firstCommunity, units, years = adjacent ? new[] { year - 1, year, year + 1 } : new[] { year } },
        db.Transaction, commandTimeout: 0);
    await db.CommitAsync();
}
var superuser = new NpgsqlConnectionStringBuilder(postgres.OwnerConnectionString)
{
    Username = "postgres",
    Password = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "credentials.json"))).RootElement.GetProperty("Superuser").GetString(),
    CommandTimeout = 0,
}.ConnectionString;
await using (var admin = new NpgsqlConnection(superuser))
{
    await admin.ExecuteAsync("VACUUM ANALYZE", commandTimeout: 0);
    if (explainFile is not null)
    {
        await admin.ExecuteAsync("LOAD 'auto_explain'");
        var settings = durationsOnly
            ? new[] { "log_min_duration_statement = 0" }
            : new[] { "session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0", "auto_explain.log_analyze = on",
                      "auto_explain.log_buffers = on", "auto_explain.log_nested_statements = on" };
        foreach (var setting in settings)
            await admin.ExecuteAsync($"ALTER SYSTEM SET {setting}");
        await admin.ExecuteAsync("SELECT pg_reload_conf()");
        dataSource.Clear();
    }
}

var job = new RollupJob(tenantDb, catalog, NullLogger<RollupJob>.Instance);
if (adjacent)
{
    // The years around computed first, as they would be: the timed year's comparisons then come from their rollups.
    await job.ExecuteAsync(tenantId, year - 1, force: true, CancellationToken.None);
    await job.ExecuteAsync(tenantId, year + 1, force: true, CancellationToken.None);
}
var rows = (long)reporters * codes.Length;
Console.WriteLine($"{rows:N0} report_values rows ({codes.Length} cells × {reporters:N0} reporting units, {units:N0} units, {streets} streets)");
for (var run = 0; run < runs; run++)
{
    if (changed)
    {
        await using var db = await tenantDb.BeginAsync(tenantId, CancellationToken.None);
        await db.ExecuteAsync("UPDATE report_values SET value = value + 1 WHERE tenant_id = @tenantId AND year = @year", new { tenantId, year });
        await db.CommitAsync();
    }
    var recompute = Stopwatch.StartNew();
    string outcome;
    try
    {
        await job.ExecuteAsync(tenantId, year, force: true, CancellationToken.None);
        outcome = $"{recompute.ElapsedMilliseconds} ms";
    }
    catch (NpgsqlException ex)
    {
        outcome = $"failed after {recompute.ElapsedMilliseconds} ms ({ex.Message})";
    }

    var groupBy = Stopwatch.StartNew();
    await using (var db = await tenantDb.BeginAsync(tenantId, CancellationToken.None))
    {
        _ = (await db.QueryAsync<(string, decimal?)>("SELECT indicator, sum(value) FROM report_values WHERE tenant_id = @tenantId AND year = @year GROUP BY indicator", new { tenantId, year })).Count();
        await db.CommitAsync();
    }
    groupBy.Stop();
    Console.WriteLine($"run {run}: recompute {outcome}, bare GROUP BY {groupBy.ElapsedMilliseconds} ms{(run == 0 ? " (warm-up)" : "")}");
    if (explainFile is not null && run >= 1) break; // the second run: the year stored once already, as in service
}
if (explainFile is not null)
{
    var log = Directory.GetFiles(directory, "server.log", SearchOption.AllDirectories).Concat(Directory.Exists("/var/lib/aggregator")
        ? Directory.GetFiles("/var/lib/aggregator", "server.log", SearchOption.AllDirectories) : []).OrderByDescending(File.GetLastWriteTimeUtc).First();
    File.Copy(log, explainFile, overwrite: true);
    Console.WriteLine($"auto_explain log: {explainFile}");
}
if (args.Contains("--keep"))
{
    // For experiments by hand: the cluster stays up until this process is stopped.
    Console.WriteLine($"kept: {superuser}; tenant {tenantId}; stop this process to end");
    await Task.Delay(Timeout.Infinite);
}
try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
