using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Aggregator.Api.Tests;

/// <summary>
/// The second wall: whatever the application code forgets, PostgreSQL itself keeps tenants apart.
/// Each query here deliberately has no tenant filter.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RowLevelSecurityTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    /// <summary>Every table of the schema (a test checks this against pg_tables).</summary>
    internal static readonly string[] Tables =
    [
        "tenants", "org_units", "api_keys", "api_key_hashes", "audit_log", "reports", "report_versions", "report_values", "idempotency_keys",
        "rollup_state", "figure_changes", "rollup_values", "rollup_completeness", "comparison_state", "comparison_values", "deadlines",
        "csv_imports", "job_handles", "upstream_links", "upstream_submissions", "publications",
    ];

    public static TheoryData<string> TenantTables => new(Tables);

    [Fact]
    public async Task Should_cover_every_table_of_the_schema()
    {
        await using var connection = await api.AppDataSource.OpenConnectionAsync();
        var tables = await connection.QueryAsync<string>(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schemaversions'");

        Assert.Equal(tables.Order(StringComparer.Ordinal), Tables.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TenantTables))]
    public async Task Should_show_a_tenant_none_of_another_tenants_rows(string table)
    {
        var (a, b) = await TwoTenantsWithDataAsync();

        await using var db = await api.TenantDb.BeginAsync(a, CancellationToken.None);
        var tenantsSeen = (await db.QueryAsync<Guid>($"SELECT DISTINCT tenant_id FROM {table}")).ToList();

        Assert.Equal([a], tenantsSeen);
        Assert.DoesNotContain(b, tenantsSeen);
    }

    [Theory]
    [MemberData(nameof(TenantTables))]
    public async Task Should_refuse_to_write_a_row_of_another_tenant(string table)
    {
        var (a, b) = await TwoTenantsWithDataAsync();

        await using var db = await api.TenantDb.BeginAsync(a, CancellationToken.None);
        // A copy of one of A's own rows, moved to tenant B: whatever the table, the policy's WITH CHECK refuses it.
        var insert = $"""
            INSERT INTO {table} OVERRIDING SYSTEM VALUE
            SELECT (jsonb_populate_record(NULL::{table}, to_jsonb(x) || jsonb_build_object('tenant_id', @b))).*
            FROM {table} x LIMIT 1
            """;
        Assert.True(await db.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}") > 0, $"tenant A has a row in {table} to copy");

        var error = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(insert, new { b }));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains("row-level security", error.MessageText);
    }

    [Theory]
    [MemberData(nameof(TenantTables))]
    public async Task Should_show_nothing_to_a_connection_that_set_no_tenant(string table)
    {
        await TwoTenantsWithDataAsync();

        await using var connection = await api.AppDataSource.OpenConnectionAsync();
        var count = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}");

        Assert.Equal(0, count);
    }

    [Fact]
    public async Task Should_run_the_app_as_a_role_that_owns_nothing_and_cannot_bypass_security()
    {
        await using var connection = await api.AppDataSource.OpenConnectionAsync();
        var role = await connection.QuerySingleAsync<(bool Super, bool BypassRls)>(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user");
        var owned = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user");
        // Every table of the public schema holds tenant data, but DbUp's journal; none may skip the wall.
        var unforced = (await connection.QueryAsync<string>("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schemaversions'
              AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
            """)).ToList();
        var withoutTenantInKey = (await connection.QueryAsync<string>("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schemaversions'
              AND NOT EXISTS (
                SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = c.oid AND i.indisprimary AND a.attname = 'tenant_id')
            """)).ToList();

        Assert.False(role.Super);
        Assert.False(role.BypassRls);
        Assert.Equal(0, owned);
        Assert.Empty(unforced);
        Assert.Empty(withoutTenantInKey);
        Assert.Contains("rollup_values", await connection.QueryAsync<string>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"));
    }

    private async Task<(Guid A, Guid B)> TwoTenantsWithDataAsync()
    {
        var a = await _data.TenantAsync();
        var b = await _data.TenantAsync();
        foreach (var tenant in new[] { a, b })
        {
            var unit = await _data.OrgUnitAsync(tenant);
            await _data.KeyAsync(tenant, unit, "viewer");
            var reporter = api.Client((await _data.KeyAsync(tenant, unit, "reporter")).Key);
            // Two years, so that rollups and a comparison are stored as well.
            foreach (var year in new[] { SeedReport.Year - 1, SeedReport.Year })
            {
                var report = await TestData.PostReportAsync(reporter, tenant, unit, TestData.ReportFor(), year, idempotencyKey: $"rls-{year}");
                await report.ShouldHaveStatus(System.Net.HttpStatusCode.Created);
            }
        }
        foreach (var tenant in new[] { a, b })
        {
            var admin = api.Client((await _data.KeyAsync(tenant, tenant, "tenant-admin")).Key);
            // A dry run: a csv_imports row, and nothing stored that the rollups below would wait for.
            var csv = new Imports.ImportCsv().Line($"{tenant},{SeedReport.Year},,3.1,4,").Bytes();
            await Imports.ImportCsv.ImportAsync(admin, tenant, csv, dryRun: true);
            var due = await admin.PutAsJsonAsync($"/api/v1/tenants/{tenant}/deadlines/{SeedReport.Year}", new { due = "2018-02-28T23:59:59+08:00" });
            await due.ShouldHaveStatus(System.Net.HttpStatusCode.OK);
        }
        var ids = (await _data.TenantIdAsync(a), await _data.TenantIdAsync(b));
        foreach (var tenantId in new[] { ids.Item1, ids.Item2 })
        {
            // An upstream link and a hand-up, written as the endpoints write them (the link needs a live upstream to be PUT).
            await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
            await Aggregator.Jobs.Upstream.UpstreamData.SaveLinkAsync(db, null, "110100", "110102", "agg_abcd", "protected", "admin");
            await Aggregator.Jobs.Upstream.UpstreamData.InsertSubmissionAsync(db, Guid.NewGuid(), SeedReport.Year, 1, false, null, Guid.NewGuid().ToString());
            await db.CommitAsync();
        }
        var rows = new Rollups.ReportRows(api);
        foreach (var tenantId in new[] { ids.Item1, ids.Item2 })
            foreach (var year in new[] { SeedReport.Year - 1, SeedReport.Year })
                await rows.WaitForFiguresAsync(tenantId, year);
        // A published edition of each tenant's year.
        foreach (var tenant in new[] { a, b })
        {
            var admin = api.Client((await _data.KeyAsync(tenant, tenant, "tenant-admin")).Key);
            var published = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/publications", new { year = SeedReport.Year, orgUnit = tenant });
            Assert.True(published.StatusCode is System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
        }
        return ids;
    }
}
