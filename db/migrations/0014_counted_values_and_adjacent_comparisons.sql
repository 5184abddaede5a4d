-- Issue 19, points 4 and 5.
--
-- The values that count: each unit's report values for a year with the template of its counted version. One
-- definition instead of the same join pasted into every read of figures and into the rollup job. report_values
-- holds only the counted version's values (replaced when another version starts to count), so the join to
-- reports is for the template, which the rollups filter on (a report on another template than the year's is
-- left out of the sums). A plain view: the planner inlines it, so each query plans as the join it replaces.
-- security_invoker: read with the rights and row-level security of the caller (the app role), not the owner's.
CREATE VIEW counted_values WITH (security_invoker = true) AS
SELECT v.tenant_id, v.year, v.org_unit_id, v.indicator, v.value, r.counted_template AS template
FROM report_values v
JOIN reports r ON r.tenant_id = v.tenant_id AND r.org_unit_id = v.org_unit_id AND r.year = v.year;

GRANT SELECT ON counted_values TO $app_role$;

-- The rollup job now stores each year's comparison with the year before only (any other base is computed when a
-- client asks for it). Comparisons stored earlier against other bases would never be refreshed again. The clean-up
-- runs as the tables' owner, whom FORCE ROW LEVEL SECURITY would show no row: lifted for it and put back.
ALTER TABLE comparison_values NO FORCE ROW LEVEL SECURITY;
ALTER TABLE comparison_state  NO FORCE ROW LEVEL SECURITY;
DELETE FROM comparison_values WHERE base_year <> year - 1;
DELETE FROM comparison_state WHERE base_year <> year - 1;
ALTER TABLE comparison_values FORCE ROW LEVEL SECURITY;
ALTER TABLE comparison_state  FORCE ROW LEVEL SECURITY;
