using System.Diagnostics;
using Aggregator.Data;
using Aggregator.Data.Embedded;
using Aggregator.Domain.Templates;
using Aggregator.Jobs.Rollups;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

// Recompute time of one (tenant, year) for 1,000 units × every cn-gip-2021 cell, against a bare GROUP BY
// over the same rows, on a throwaway embedded PostgreSQL. Run: dotnet run -c Release --project tests/Aggregator.RollupTiming
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

var tenantId = Guid.NewGuid();
await using (var db = await tenantDb.BeginTenantCreationAsync(tenantId, CancellationToken.None))
{
    await db.ExecuteAsync("INSERT INTO tenants (tenant_id, code, name, kind) VALUES (@tenantId, 'bench', 'bench', 'district')", new { tenantId });
    // root (1) → 40 streets → 959 communities: 1,000 units, 959 leaves reporting every cell.
    await db.ExecuteAsync("""
        INSERT INTO org_units (tenant_id, org_unit_id, code, name, kind, parent_id, path) VALUES (@tenantId, 1, 'root', 'root', 'district', NULL, '1');
        INSERT INTO org_units (tenant_id, org_unit_id, code, name, kind, parent_id, path)
        SELECT @tenantId, s, 's' || s, 's', 'sub-district', 1, ('1.' || s)::ltree FROM generate_series(2, 41) s;
        INSERT INTO org_units (tenant_id, org_unit_id, code, name, kind, parent_id, path)
        SELECT @tenantId, c, 'c' || c, 'c', 'other', 2 + c % 40, ('1.' || (2 + c % 40) || '.' || c)::ltree FROM generate_series(42, 1000) c;
        INSERT INTO reports (tenant_id, org_unit_id, year, template, current_version, content_hash)
        SELECT @tenantId, c, @year, 'cn-gip-2021', 1, '\x00' FROM generate_series(42, 1000) c;
        INSERT INTO report_versions (tenant_id, org_unit_id, year, version, template, values, content_hash, api_key_id)
        SELECT @tenantId, c, @year, 1, 'cn-gip-2021', '{}', '\x00', 'bench' FROM generate_series(42, 1000) c;
        INSERT INTO report_values (tenant_id, year, org_unit_id, indicator, value)
        SELECT @tenantId, @year, c, code, (random() * 100)::int FROM generate_series(42, 1000) c, unnest(@codes) code;
        """, new { tenantId, year, codes });
    await db.CommitAsync();
}
await using (var owner = new NpgsqlConnection(postgres.OwnerConnectionString))
{
    await owner.ExecuteAsync("VACUUM ANALYZE");
}

var job = new RollupJob(tenantDb, catalog, NullLogger<RollupJob>.Instance);
var rows = 959L * codes.Length;
Console.WriteLine($"{rows:N0} report_values rows ({codes.Length} cells × 959 reporting units, 1,000 units)");
for (var run = 0; run < 6; run++)
{
    var recompute = Stopwatch.StartNew();
    await job.ExecuteAsync(tenantId, year, force: true, CancellationToken.None);
    recompute.Stop();

    var groupBy = Stopwatch.StartNew();
    await using (var db = await tenantDb.BeginAsync(tenantId, CancellationToken.None))
    {
        _ = (await db.QueryAsync<(string, decimal?)>("SELECT indicator, sum(value) FROM report_values WHERE tenant_id = @tenantId AND year = @year GROUP BY indicator", new { tenantId, year })).Count();
        await db.CommitAsync();
    }
    groupBy.Stop();
    Console.WriteLine($"run {run}: recompute {recompute.ElapsedMilliseconds} ms, bare GROUP BY {groupBy.ElapsedMilliseconds} ms{(run == 0 ? " (warm-up)" : "")}");
}
try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
