-- Issue 19: the rollup job's comparison of a year with the year before reads the two years' stored rollups and,
-- cell by cell, only what is not like for like. Two things make that possible:
--
-- cells: how many value rows (empty ones included) each Σ was taken over. Where it equals the number of units
-- counted at the root, every counted unit has a row for the indicator, as every writer stores them, and a unit's
-- missing value is a row holding null. NULL in rows stored before this column: those years take the long way
-- until recomputed.
ALTER TABLE rollup_values ADD COLUMN cells integer;

-- The few cells left empty (a row holding null), found without reading every value of the year.
CREATE INDEX report_values_empty ON report_values (tenant_id, year, org_unit_id, indicator) WHERE value IS NULL;
