-- No hot row: writers of a (tenant, year)'s figures no longer bump rollup_state.dirty_generation (a row every
-- writer of the year held locked until its commit). Each figure-changing transaction appends a row of its own to
-- figure_changes instead, numbered from one global sequence (nextval never waits), and sends
-- pg_notify('aggregator_figures', '<tenant>:<year>:<generation>') in the same transaction (delivered at commit).
-- The rollup job reads the rows it can see, computes figures that include them all, and deletes exactly those
-- rows in the transaction that stores the figures, where it also takes figures_generation from the sequence and
-- notifies. So the figures are stale exactly while the (tenant, year) has rows here, and (figures_generation,
-- the set of pending generations) changes with every committed change: each API replica keeps it in memory,
-- and figure reads take their ETags from it.
CREATE SEQUENCE figure_generation;

CREATE TABLE figure_changes (
    tenant_id   uuid        NOT NULL REFERENCES tenants (tenant_id),
    year        integer     NOT NULL,
    generation  bigint      NOT NULL DEFAULT nextval('figure_generation'),
    -- change: a version stored, a review move, the org tree (through IFiguresObserver); deadline: completeness's due date;
    -- carried: dirty before this migration.
    kind        text        NOT NULL CHECK (kind IN ('change', 'deadline', 'carried')),
    at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, year, generation)
);

ALTER TABLE rollup_state ADD COLUMN figures_generation bigint;

-- Years dirty under the old scheme keep one pending change each, so they stay stale until a rollup includes them.
INSERT INTO figure_changes (tenant_id, year, kind, at)
SELECT tenant_id, year, 'carried', coalesce(dirty_since, now())
FROM rollup_state WHERE dirty_generation > coalesce(computed_generation, 0);
UPDATE rollup_state SET figures_generation = nextval('figure_generation') WHERE computed_at IS NOT NULL;

ALTER TABLE figure_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE figure_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON figure_changes
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
-- As rollup_state (0010): the staleness gauge and each API replica's generations read every tenant's pending
-- generations (numbers and times, no figures) under app.scope = 'monitoring', and write none.
CREATE POLICY figure_monitoring ON figure_changes FOR SELECT
    USING (current_setting('app.scope', true) = 'monitoring');

GRANT SELECT, INSERT, DELETE ON figure_changes TO $app_role$;
GRANT USAGE ON SEQUENCE figure_generation TO $app_role$;
