-- Issue 19: the rollup job's completeness asks, for every unit of the year, whether its current version waits for a
-- reviewer. Under the job's plan settings (no nested loops) that was a scan of every version of the year, each with
-- its figures, read again on every run while a stream of writes added versions (150 ms a run at 10,000 versions, and
-- growing). The versions waiting for review are few; this index holds only them.
CREATE INDEX report_versions_submitted ON report_versions (tenant_id, year, org_unit_id, version) WHERE status = 'submitted';

-- A new counted version rewrites only the value rows that differ from the version counted before (a one-figure
-- correction updates one row instead of deleting and inserting every row of the template): the app may now update a
-- value in place, and nothing else of the row.
GRANT UPDATE (value) ON report_values TO $app_role$;
