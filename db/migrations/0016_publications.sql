-- 公开发布: the editions of a year a district has published, readable by anyone without a key (issue 21).
--
-- An edition is a snapshot, never changed: the figures as published (code → value, label and unit), the year-over-year
-- comparison as published, the changelog against the edition before it, the units the figures count, and the rollup
-- generation they came from. A new edition is written only when the figures differ from the latest one; the unique
-- key numbers them 1, 2, … per tenant and year, so two concurrent publishes cannot both write edition n.
CREATE TABLE publications (
    tenant_id     uuid        NOT NULL REFERENCES tenants (tenant_id),
    year          integer     NOT NULL,
    edition       integer     NOT NULL CHECK (edition >= 1),
    org_unit_id   bigint      NOT NULL,
    org_unit      text        NOT NULL,
    org_unit_name text        NOT NULL,
    template      text        NOT NULL,
    figures       jsonb       NOT NULL,
    yoy           jsonb,
    changelog     jsonb       NOT NULL,
    counted_units jsonb       NOT NULL,
    generation    bigint      NOT NULL,
    computed_at   timestamptz NOT NULL,
    published_at  timestamptz NOT NULL,
    published_by  text        NOT NULL,
    PRIMARY KEY (tenant_id, year, edition),
    FOREIGN KEY (tenant_id, org_unit_id) REFERENCES org_units (tenant_id, org_unit_id)
);

ALTER TABLE publications ENABLE ROW LEVEL SECURITY;
ALTER TABLE publications FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON publications
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

-- A key-less public read names a tenant by its code (app.public_tenant) and sets no app.tenant_id: it may read that
-- tenant's registry row and its published editions, and nothing else of any tenant (no org unit, report or rollup).
CREATE POLICY public_lookup ON tenants FOR SELECT
    USING (code = nullif(current_setting('app.public_tenant', true), ''));
CREATE POLICY public_read ON publications FOR SELECT
    USING (tenant_id = (SELECT t.tenant_id FROM tenants t WHERE t.code = nullif(current_setting('app.public_tenant', true), '')));

-- Editions are immutable: the app may add them and read them, never change or remove one.
GRANT SELECT, INSERT ON publications TO $app_role$;
