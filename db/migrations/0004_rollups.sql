-- Rollups and comparisons: figures computed by the rollup job from report_values, stored per
-- (tenant, year) and replaced as a whole in one transaction. Reads never compute.

-- Per (tenant, year): how dirty it is and what the stored figures include.
-- dirty_generation is bumped inside every report version's transaction (row lock until its commit);
-- the job records the generation it has read (computed_generation), so figures are stale exactly while
-- dirty_generation > computed_generation. watermark is the highest report_versions.seq the figures saw.
-- queued_job_id is the claim "a rollup job is queued": set by whoever enqueues, cleared by the job when it
-- starts, so a burst of versions costs one queued job plus at most one follow-up per run.
CREATE TABLE rollup_state (
    tenant_id            uuid    NOT NULL REFERENCES tenants (tenant_id),
    year                 integer NOT NULL,
    dirty_generation     bigint  NOT NULL DEFAULT 0,
    dirty_since          timestamptz,
    computed_generation  bigint,
    watermark            bigint,
    template             text,
    computed_at          timestamptz,
    queued_job_id        text,
    queued_at            timestamptz,
    runs                 bigint  NOT NULL DEFAULT 0,
    last_error           text,
    PRIMARY KEY (tenant_id, year)
);

-- Per org unit with descendants and indicator: Σ over its subtree (itself included) and how many units
-- gave a non-null value.
CREATE TABLE rollup_values (
    tenant_id    uuid    NOT NULL,
    year         integer NOT NULL,
    org_unit_id  bigint  NOT NULL,
    indicator    text    NOT NULL,
    value        numeric,
    reporters    integer NOT NULL,
    PRIMARY KEY (tenant_id, year, org_unit_id, indicator)
);

CREATE TABLE rollup_completeness (
    tenant_id    uuid    NOT NULL,
    year         integer NOT NULL,
    org_unit_id  bigint  NOT NULL,
    expected     integer NOT NULL,
    reported     integer NOT NULL,
    missing      text[]  NOT NULL,
    PRIMARY KEY (tenant_id, year, org_unit_id)
);

-- Which (year, base year) comparisons exist, with their templates and what cannot be compared.
CREATE TABLE comparison_state (
    tenant_id       uuid    NOT NULL REFERENCES tenants (tenant_id),
    year            integer NOT NULL,
    base_year       integer NOT NULL,
    template        text    NOT NULL,
    base_template   text    NOT NULL,
    not_comparable  text[]  NOT NULL,
    watermark       bigint  NOT NULL,
    computed_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, year, base_year)
);

-- indicator is the later template's code, or a mapping key such as 4.2:total+4.3:total.
-- lfl_* are the like-for-like figures: only the units that reported the indicator in both years.
CREATE TABLE comparison_values (
    tenant_id       uuid    NOT NULL,
    year            integer NOT NULL,
    base_year       integer NOT NULL,
    org_unit_id     bigint  NOT NULL,
    indicator       text    NOT NULL,
    value           numeric,
    base_value      numeric,
    delta           numeric,
    pct_change      numeric,
    lfl_value       numeric,
    lfl_base_value  numeric,
    lfl_delta       numeric,
    lfl_pct_change  numeric,
    lfl_units       integer NOT NULL,
    PRIMARY KEY (tenant_id, year, base_year, org_unit_id, indicator)
);

ALTER TABLE rollup_state        ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_state        FORCE ROW LEVEL SECURITY;
ALTER TABLE rollup_values       ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_values       FORCE ROW LEVEL SECURITY;
ALTER TABLE rollup_completeness ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_completeness FORCE ROW LEVEL SECURITY;
ALTER TABLE comparison_state    ENABLE ROW LEVEL SECURITY;
ALTER TABLE comparison_state    FORCE ROW LEVEL SECURITY;
ALTER TABLE comparison_values   ENABLE ROW LEVEL SECURITY;
ALTER TABLE comparison_values   FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON rollup_state
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON rollup_values
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON rollup_completeness
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON comparison_state
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON comparison_values
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE ON rollup_state TO $app_role$;
GRANT SELECT, INSERT, DELETE ON rollup_values TO $app_role$;
GRANT SELECT, INSERT, DELETE ON rollup_completeness TO $app_role$;
GRANT SELECT, INSERT, DELETE ON comparison_state TO $app_role$;
GRANT SELECT, INSERT, DELETE ON comparison_values TO $app_role$;
