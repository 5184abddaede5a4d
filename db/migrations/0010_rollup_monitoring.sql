-- /metrics shows how long the oldest figures still to be computed have waited, across tenants. A transaction
-- that sets app.scope = 'monitoring' may read every tenant's rollup_state rows (no figures: generations,
-- timestamps, job claims) and write none; every other table stays behind its tenant policy. The app reads
-- them only to aggregate (min(dirty_since), count(*)): no tenant's row leaves the database.
CREATE POLICY rollup_monitoring ON rollup_state FOR SELECT
    USING (current_setting('app.scope', true) = 'monitoring');
