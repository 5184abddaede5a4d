-- 逐级上报: a district hands its accepted consolidated year up to the city (issue 20).
--
-- The key ring of ASP.NET Core Data Protection, shared by every replica and worker so that each can read an upstream
-- key another one stored. Platform data, not a tenant's: kept out of the public schema, whose every table is a
-- tenant table behind row-level security. Keys are only ever added (a revoked key is a new XML element).
CREATE SCHEMA keyring;
CREATE TABLE keyring.data_protection_keys (
    name        text        PRIMARY KEY,
    xml         text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
GRANT USAGE ON SCHEMA keyring TO $app_role$;
GRANT SELECT, INSERT ON keyring.data_protection_keys TO $app_role$;

-- A tenant's link to the tenant it reports to: a reporter key of its own unit there (url null: this deployment).
-- The key is stored encrypted with Data Protection (key_protected); key_prefix is what answers show of it.
CREATE TABLE upstream_links (
    tenant_id          uuid        NOT NULL REFERENCES tenants (tenant_id),
    url                text,
    upstream_tenant    text        NOT NULL,
    upstream_org_unit  text        NOT NULL,
    key_prefix         text        NOT NULL,
    key_protected      text        NOT NULL,
    linked_by          text        NOT NULL,
    linked_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id)
);

-- Each hand-up of a year: what was asked (by which key, with which generation of the figures), then what the job
-- did with it (state queued → submitted | unchanged | failed) and what upstream said, as last seen.
CREATE TABLE upstream_submissions (
    tenant_id          uuid        NOT NULL REFERENCES tenants (tenant_id),
    submission_id      uuid        NOT NULL,
    year               integer     NOT NULL,
    generation         bigint      NOT NULL,
    allow_incomplete   boolean     NOT NULL,
    reason             text,
    api_key_id         text        NOT NULL,
    requested_at       timestamptz NOT NULL DEFAULT now(),
    state              text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'submitted', 'unchanged', 'failed')),
    upstream_url       text,
    upstream_tenant    text,
    upstream_org_unit  text,
    upstream_version   integer,
    submitted_at       timestamptz,
    error              text,
    status_seen        text,
    PRIMARY KEY (tenant_id, submission_id)
);
CREATE INDEX upstream_submissions_by_year ON upstream_submissions (tenant_id, year, requested_at);

ALTER TABLE upstream_links       ENABLE ROW LEVEL SECURITY;
ALTER TABLE upstream_links       FORCE ROW LEVEL SECURITY;
ALTER TABLE upstream_submissions ENABLE ROW LEVEL SECURITY;
ALTER TABLE upstream_submissions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON upstream_links
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON upstream_submissions
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON upstream_links TO $app_role$;
GRANT SELECT, INSERT, UPDATE ON upstream_submissions TO $app_role$;

-- Where a version came from when a lower level handed it up: {tenant, name, generation, computedAt, completeness, reason}.
-- Written with the version and never changed, like its figures.
ALTER TABLE report_versions ADD COLUMN source jsonb;
