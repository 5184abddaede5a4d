-- Issue 19: the rollup job rewrites only the stored figures that differ from what it computed (a run over unchanged
-- figures writes nothing; a correction rewrites the rows of its ancestors it changed), instead of deleting and
-- inserting every row of the year and of its comparisons. The app may now update those rows in place.
GRANT UPDATE (value, reporters, cells) ON rollup_values TO $app_role$;
GRANT UPDATE (value, base_value, delta, pct_change, lfl_value, lfl_base_value, lfl_delta, lfl_pct_change, lfl_units)
    ON comparison_values TO $app_role$;

-- Room on every page for the new version of a row the job rewrites, so that the update is a heap-only one (no new
-- index entry, and the old version pruned from the page without waiting for a vacuum): a run after a batch of
-- reports rewrites most rows of the year. Pages written from now on; existing ones as they are rewritten.
ALTER TABLE rollup_values SET (fillfactor = 50);
ALTER TABLE comparison_values SET (fillfactor = 50);
