-- No order or ids shared across tenants (issue 17).
--
-- Audit entries: an opaque id of their own (entry_id, the id clients see and page by) and the transaction that
-- wrote them (xact_id). audit_id is an identity shared by every tenant and taken at insert, not at commit; it only
-- breaks ties inside one transaction now. A reader orders by (xact_id, audit_id) and returns only entries whose
-- transaction is older than its snapshot's xmin, i.e. finished (committed or rolled back) before the read began:
-- an entry of a transaction still in flight is held back until it commits, and nothing can commit later below a
-- position already handed out. Writers take no lock for it. Rows that exist already get this migration's
-- transaction, which keeps their order (audit_id) and sorts them before every later entry.
ALTER TABLE audit_log
    ADD COLUMN entry_id uuid NOT NULL DEFAULT gen_random_uuid(),
    ADD COLUMN xact_id  xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE UNIQUE INDEX audit_log_entry ON audit_log (tenant_id, entry_id);
CREATE INDEX audit_log_by_position ON audit_log (tenant_id, xact_id, audit_id);
DROP INDEX audit_log_by_unit;
DROP INDEX audit_log_by_actor;
CREATE INDEX audit_log_by_unit ON audit_log (tenant_id, org_unit_id, xact_id, audit_id);
CREATE INDEX audit_log_by_actor ON audit_log (tenant_id, actor, xact_id, audit_id);

-- Jobs: Hangfire numbers its jobs with one sequence for every tenant. Clients get a random id of the tenant's own,
-- mapped here to the Hangfire job (one handle per job; a recompute request that finds its job queued gets that
-- job's handle again).
CREATE TABLE job_handles (
    tenant_id       uuid        NOT NULL REFERENCES tenants (tenant_id),
    job_id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    hangfire_job_id text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, job_id),
    UNIQUE (tenant_id, hangfire_job_id)
);
CREATE INDEX job_handles_by_job ON job_handles (job_id);

ALTER TABLE job_handles ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_handles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON job_handles
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
-- The platform admin follows any tenant's job: a transaction may read the one handle whose id it presents.
CREATE POLICY job_lookup ON job_handles FOR SELECT
    USING (job_id = nullif(current_setting('app.job_id', true), '')::uuid);

GRANT SELECT, INSERT ON job_handles TO $app_role$;
