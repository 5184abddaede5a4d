-- Distributes Aggregator's schema on Citus. Run once, on the coordinator, as the tables' owner, after the migrations
-- (`migrate`) and before the service writes:
--   psql -v ON_ERROR_STOP=1 -d aggregator -f deploy/citus/distribute.sql
-- Needs, on the coordinator and on every worker: CREATE EXTENSION citus and ltree; the roles (aggregator_owner,
-- aggregator_app); and in postgresql.conf of the coordinator `citus.propagate_set_commands = 'local'` with the service
-- run with Aggregator:Database:ScopeCommand=SetLocal (deploy/README.md, Citus). Not run here: no Citus on the machines
-- this was written on. What was checked is the schema: tests/Aggregator.Api.Tests/Deployment/CitusSchemaTests.cs reads
-- the live catalog of a migrated database and fails when a table is missing below, when a name below is not a table,
-- or when a distributed table has a primary key, unique index or foreign key to another distributed table without
-- tenant_id.
--
-- Two kinds of table:
--   reference    a copy on every node. Read before the tenant is known, small, and their unique keys need not name
--                a tenant.
--   distributed  by tenant_id, all co-located with org_units: one tenant's rows of every table on one node, so every
--                statement of the service (each binds tenant_id = @tenantId, a test enforces it) routes to one shard,
--                and the foreign keys between them hold on that node. Each primary key, unique index and foreign key
--                to another distributed table includes tenant_id.
-- Order: reference tables first (distributed tables have foreign keys to tenants), then each distributed table after
-- the ones its foreign keys name.

BEGIN;

-- tenants: the registry. Read before any tenant is in scope (a route's tenant code, the platform admin's list, a
-- public read by code); UNIQUE (code) names no tenant_id.
SELECT create_reference_table('tenants');
-- api_key_hashes: authentication looks a key up by its hash before the tenant is known (migration 0019). As a
-- reference table the lookup reads one row on whichever node it runs; distributed, it would ask every shard on every
-- request that misses the key cache. Its UNIQUE (key_hash) is the one place that keeps hashes unique across tenants.
SELECT create_reference_table('api_key_hashes');

SELECT create_distributed_table('org_units',            'tenant_id');
SELECT create_distributed_table('api_keys',             'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('audit_log',            'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('deadlines',            'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('reports',              'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('report_versions',      'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('report_values',        'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('idempotency_keys',     'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('csv_imports',          'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('rollup_state',         'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('figure_changes',       'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('rollup_values',        'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('rollup_completeness',  'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('comparison_state',     'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('comparison_values',    'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('job_handles',          'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('upstream_links',       'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('upstream_submissions', 'tenant_id', colocate_with => 'org_units');
SELECT create_distributed_table('publications',         'tenant_id', colocate_with => 'org_units');

COMMIT;

-- Stay local tables on the coordinator (no tenant rows; the test reads these lines):
-- local: schemaversions              DbUp's journal of the migrations applied.
-- local: keyring.data_protection_keys ASP.NET Core Data Protection's key ring, platform data shared by every process.
-- local: hangfire.*                  Hangfire's storage (jobs carry tenant ids as arguments, not tenant rows); its
--                                    locks and queues want one node.
