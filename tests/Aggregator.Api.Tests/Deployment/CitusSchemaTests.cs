using Aggregator.Api.Tests.Infrastructure;
using Npgsql;

namespace Aggregator.Api.Tests.Deployment;

/// <summary>
/// deploy/citus/distribute.sql against the live catalog of the migrated database: every table named once, every name a
/// table, and every table distributed by tenant_id keeping tenant_id in its primary key, its unique indexes (partial ones
/// included) and its foreign keys to other distributed tables. No Citus runs here; these are the rules its
/// create_distributed_table enforces, read from pg_index and pg_constraint.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CitusSchemaTests(ApiFixture api)
{
    [Fact]
    public async Task Should_distribute_every_table_of_the_schema_by_tenant_id_or_name_it_a_reference_or_local_table()
    {
        var script = DistributionScript.Read();
        await using var connection = await api.AppDataSource.OpenConnectionAsync();
        var catalog = await CitusCatalog.ReadAsync(connection);

        var breaches = CitusSchemaCheck.Breaches(script, catalog);

        Assert.True(breaches.Count == 0, "distribute.sql and the schema disagree:\n" + string.Join("\n", breaches));
        // What was read is the real schema and the real script, not two empty lists that agree.
        Assert.Equal(new[] { "tenants", "api_key_hashes" }, script.Reference);
        Assert.Equal(RowLevelSecurityTests.Tables.Except(script.Reference).Order(StringComparer.Ordinal),
            script.Distributed.Select(d => d.Name).Order(StringComparer.Ordinal));
        Assert.Contains(catalog.Tables, t => t.Name.StartsWith("hangfire.", StringComparison.Ordinal));
        Assert.Contains(catalog.Tables, t => t.Name == "keyring.data_protection_keys");
        Assert.Contains(catalog.Keys, k => k is { Table: "audit_log", Name: "audit_log_entry", Kind: "unique index" });
        Assert.Contains(catalog.Keys, k => k is { Table: "api_keys", Kind: "unique index" } && k.Columns.SequenceEqual(new[] { "tenant_id", "key_hash" }));
        Assert.Contains(catalog.ForeignKeys, fk => fk is { Table: "report_versions", Referenced: "reports" }
                                                   && fk.Columns.SequenceEqual(new[] { "tenant_id", "org_unit_id", "year" }));
    }

    [Fact]
    public async Task Should_find_in_the_live_catalog_a_unique_key_without_tenant_id_and_a_table_the_script_does_not_name()
    {
        // A scratch schema, made and read inside one transaction that is rolled back: no other test sees it.
        await using var connection = new NpgsqlConnection(api.Postgres.OwnerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var create = new NpgsqlCommand("""
            CREATE SCHEMA citus_probe;
            -- As api_keys was before migration 0019: a hash unique across tenants.
            CREATE TABLE citus_probe.keys (
                tenant_id uuid NOT NULL, key_id uuid NOT NULL, key_hash bytea NOT NULL UNIQUE, PRIMARY KEY (tenant_id, key_id));
            CREATE UNIQUE INDEX keys_one_live_name ON citus_probe.keys (key_id) WHERE key_hash IS NOT NULL;
            CREATE UNIQUE INDEX keys_by_id ON citus_probe.keys (key_id);
            CREATE TABLE citus_probe.uses (
                tenant_id uuid NOT NULL, use_id bigint NOT NULL, key_id uuid NOT NULL, PRIMARY KEY (tenant_id, use_id),
                FOREIGN KEY (key_id) REFERENCES citus_probe.keys (key_id));
            CREATE TABLE citus_probe.forgotten (tenant_id uuid PRIMARY KEY);
            """, connection, transaction))
            await create.ExecuteNonQueryAsync();
        var catalog = await CitusCatalog.ReadAsync(connection, transaction);
        await transaction.RollbackAsync();

        var real = DistributionScript.Read();
        var script = real with
        {
            Distributed = [.. real.Distributed,
                new DistributedTable("citus_probe.keys", "tenant_id", real.Distributed[0].Name, real.Reference.Count, real.Distributed.Count),
                new DistributedTable("citus_probe.uses", "tenant_id", real.Distributed[0].Name, real.Reference.Count, real.Distributed.Count + 1)],
        };
        var breaches = CitusSchemaCheck.Breaches(script, catalog);

        Assert.Equal(new[]
        {
            "citus_probe.forgotten: a table of the schema that distribute.sql does not name (reference, distributed or local)",
            "citus_probe.keys: unique index keys_by_id (key_id) lacks tenant_id",
            "citus_probe.keys: unique index keys_key_hash_key (key_hash) lacks tenant_id",
            "citus_probe.keys: unique index keys_one_live_name (key_id) WHERE (key_hash IS NOT NULL) lacks tenant_id",
            "citus_probe.uses: foreign key uses_key_id_fkey (key_id) → citus_probe.keys (key_id) does not join tenant_id to tenant_id",
        }, breaches.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Should_report_a_name_in_the_script_that_is_not_a_table_and_a_name_given_twice()
    {
        var script = DistributionScript.Parse("""
            SELECT create_reference_table('tenants');
            SELECT create_distributed_table('org_units', 'tenant_id');
            SELECT create_distributed_table('org_unit', 'tenant_id', colocate_with => 'org_units');
            SELECT create_distributed_table('tenants', 'tenant_id', colocate_with => 'org_units');
            -- local: nowhere.*
            """);
        var catalog = new CitusCatalog(
            [new CatalogTable("tenants", true), new CatalogTable("org_units", true)],
            [new CatalogKey("tenants", "tenants_pkey", "primary key", ["tenant_id"], null),
             new CatalogKey("org_units", "org_units_pkey", "primary key", ["tenant_id", "org_unit_id"], null)],
            []);

        var breaches = CitusSchemaCheck.Breaches(script, catalog);

        Assert.Contains("org_unit: named in distribute.sql (distributed), but not a table of the schema", breaches);
        Assert.Contains("tenants: named more than once in distribute.sql (reference, distributed)", breaches);
        Assert.Contains("nowhere.*: named in distribute.sql, but that schema has no table", breaches);
    }

    [Fact]
    public void Should_report_a_distribution_by_another_column_a_reference_table_referring_to_a_distributed_one_and_a_wrong_order()
    {
        var script = DistributionScript.Parse("""
            SELECT create_distributed_table('org_units', 'tenant_id');
            SELECT create_reference_table('tenants');
            SELECT create_distributed_table('reports', 'tenant_id', colocate_with => 'org_units');
            SELECT create_distributed_table('figures', 'year', colocate_with => 'org_units');
            SELECT create_distributed_table('notes', 'tenant_id');
            SELECT create_reference_table('templates');
            """);
        var catalog = new CitusCatalog(
            [new CatalogTable("org_units", true), new CatalogTable("tenants", true), new CatalogTable("reports", true),
             new CatalogTable("figures", true), new CatalogTable("notes", true), new CatalogTable("templates", false)],
            [],
            [new CatalogForeignKey("templates", "templates_unit_fkey", "org_units", ["tenant_id", "org_unit_id"], ["tenant_id", "org_unit_id"]),
             new CatalogForeignKey("org_units", "org_units_report_fkey", "reports", ["tenant_id", "org_unit_id"], ["tenant_id", "org_unit_id"])]);

        var breaches = CitusSchemaCheck.Breaches(script, catalog);

        Assert.Contains("figures: distributed by year, not tenant_id", breaches);
        Assert.Contains("notes: not co-located with org_units (colocate_with => 'org_units')", breaches);
        Assert.Contains("org_units: distributed before every reference table was made (foreign keys to them need them first)", breaches);
        Assert.Contains("templates: foreign key templates_unit_fkey (tenant_id, org_unit_id) → org_units (tenant_id, org_unit_id): a reference table cannot refer to a distributed one", breaches);
        Assert.Contains("org_units: foreign key org_units_report_fkey (tenant_id, org_unit_id) → reports (tenant_id, org_unit_id): reports is distributed after org_units", breaches);
    }

    [Fact]
    public void Should_take_a_schema_that_keeps_tenant_id_in_every_key_of_its_distributed_tables()
    {
        var script = DistributionScript.Parse("""
            SELECT create_reference_table('tenants');
            SELECT create_distributed_table('org_units', 'tenant_id');
            SELECT create_distributed_table('reports', 'tenant_id', colocate_with => 'org_units');
            -- local: schemaversions    DbUp's journal
            """);
        var catalog = new CitusCatalog(
            [new CatalogTable("tenants", true), new CatalogTable("org_units", true), new CatalogTable("reports", true), new CatalogTable("schemaversions", false)],
            [new CatalogKey("tenants", "tenants_code_key", "unique index", ["code"], null),
             new CatalogKey("org_units", "org_units_tenant_id_code_key", "unique index", ["tenant_id", "code"], null),
             new CatalogKey("reports", "reports_pkey", "primary key", ["tenant_id", "org_unit_id", "year"], null)],
            [new CatalogForeignKey("reports", "reports_unit_fkey", "org_units", ["tenant_id", "org_unit_id"], ["tenant_id", "org_unit_id"]),
             new CatalogForeignKey("org_units", "org_units_tenant_id_fkey", "tenants", ["tenant_id"], ["tenant_id"])]);

        Assert.Empty(CitusSchemaCheck.Breaches(script, catalog));
    }
}
