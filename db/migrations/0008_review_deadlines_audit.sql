-- The district office's work: review of versions, deadlines, and an audit log that can be filtered.
-- The back-fills below run as the tables' owner; FORCE ROW LEVEL SECURITY would hide every row from it
-- (a non-superuser owner would update nothing), so it is lifted for this transaction and put back at the end.
ALTER TABLE report_versions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE reports         NO FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_log       NO FORCE ROW LEVEL SECURITY;
ALTER TABLE org_units       NO FORCE ROW LEVEL SECURITY;

-- Review: 'off' (every version counts on receipt, as before) or 'required' (a reviewer accepts a version
-- before it counts). Only this column of tenants is ever updated by the app.
ALTER TABLE tenants ADD COLUMN review text NOT NULL DEFAULT 'off' CHECK (review IN ('off', 'required'));
GRANT UPDATE (review) ON tenants TO $app_role$;

-- A version's review status. The figures, warnings and note of a version stay immutable: the app may update
-- these four columns only. status_by is the actor ('key:…', 'admin', or 'system' when review is off);
-- every transition is also in the audit log. reported_at is the time an import says the report was made
-- (past years loaded later); timeliness uses it instead of created_at when present.
ALTER TABLE report_versions
    ADD COLUMN status         text NOT NULL DEFAULT 'accepted' CHECK (status IN ('submitted', 'accepted', 'returned')),
    ADD COLUMN status_at      timestamptz,
    ADD COLUMN status_by      text,
    ADD COLUMN status_comment text,
    ADD COLUMN reported_at    timestamptz;
UPDATE report_versions SET status_at = created_at, status_by = 'system' WHERE status_at IS NULL;
ALTER TABLE report_versions ALTER COLUMN status_at SET DEFAULT now(), ALTER COLUMN status_at SET NOT NULL,
                            ALTER COLUMN status_by SET DEFAULT 'system', ALTER COLUMN status_by SET NOT NULL;
GRANT UPDATE (status, status_at, status_by, status_comment) ON report_versions TO $app_role$;

-- Which version counts (the newest accepted one; null while none is) and its template: report_values holds
-- that version's values, so the rollups, comparisons and exports read only what counts. locked: a reviewer
-- accepted the year's report, and no new version may be posted until it is reopened.
ALTER TABLE reports
    ADD COLUMN counted_version  integer,
    ADD COLUMN counted_template text,
    ADD COLUMN locked           boolean NOT NULL DEFAULT false;
UPDATE reports SET counted_version = current_version, counted_template = template WHERE counted_version IS NULL;

-- Units whose newest version waits for a reviewer, per rollup node.
ALTER TABLE rollup_completeness ADD COLUMN awaiting_review text[] NOT NULL DEFAULT ARRAY[]::text[];

-- The due date of a tenant's reports for a year, when it is not the default (the end of 31 January of the
-- following year in the tenant's time zone).
CREATE TABLE deadlines (
    tenant_id  uuid        NOT NULL REFERENCES tenants (tenant_id),
    year       integer     NOT NULL,
    due        timestamptz NOT NULL,
    set_by     text        NOT NULL,
    set_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, year)
);
ALTER TABLE deadlines ENABLE ROW LEVEL SECURITY;
ALTER TABLE deadlines FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON deadlines
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON deadlines TO $app_role$;

-- The audit log names the unit and year an entry is about, so it can be filtered by them.
ALTER TABLE audit_log
    ADD COLUMN org_unit_id bigint,
    ADD COLUMN year        integer;
CREATE INDEX audit_log_by_unit ON audit_log (tenant_id, org_unit_id, audit_id);
CREATE INDEX audit_log_by_actor ON audit_log (tenant_id, actor, audit_id);
UPDATE audit_log a SET org_unit_id = o.org_unit_id, year = split_part(a.subject, '/', 2)::int
FROM org_units o
WHERE a.subject ~ '^[^/]+/[0-9]{4}$' AND o.tenant_id = a.tenant_id AND o.code = split_part(a.subject, '/', 1);

ALTER TABLE report_versions FORCE ROW LEVEL SECURITY;
ALTER TABLE reports         FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_log       FORCE ROW LEVEL SECURITY;
ALTER TABLE org_units       FORCE ROW LEVEL SECURITY;
