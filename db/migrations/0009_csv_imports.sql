-- CSV imports of past years: the uploaded file while its job waits and runs, who sent it, and the summary the
-- job leaves. The file is not a Hangfire job argument (a job row is no place for 20 MB); the job carries the
-- tenant and import ids only. The content is dropped once the job has finished; the summary stays.
CREATE TABLE csv_imports (
    tenant_id     uuid        NOT NULL,
    import_id     uuid        NOT NULL,
    api_key_id    text        NOT NULL,
    role          text        NOT NULL,
    org_unit_id   bigint,
    file_name     text        NOT NULL,
    content       bytea,
    rows          integer     NOT NULL,
    dry_run       boolean     NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    summary       jsonb,
    PRIMARY KEY (tenant_id, import_id)
);

ALTER TABLE csv_imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE csv_imports FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON csv_imports
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE ON csv_imports TO $app_role$;
