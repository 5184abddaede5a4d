using Dapper;
using Aggregator.Data;

namespace Aggregator.Jobs.Rollups;

/// <summary>The SQL of the rollup job. Every statement runs inside the job's tenant-scoped transaction.</summary>
internal static class Data
{
    /// <summary>The stored columns of rollup_values and those of the CTE fresh they come from.</summary>
    private static readonly (string, string)[] RollupColumns = [("value", "value"), ("reporters", "reporters"), ("cells", "cells")];

    /// <summary>
    /// The stored columns of comparison_values and those of the CTE fresh they come from (<see cref="ComparisonFigures.Figures"/>'
    /// names, which PostgreSQL folds to lower case).
    /// </summary>
    private static readonly (string, string)[] ComparisonColumns =
    [
        ("value", "value"), ("base_value", "basevalue"), ("delta", "delta"), ("pct_change", "pctchange"), ("lfl_value", "lflvalue"),
        ("lfl_base_value", "lflbasevalue"), ("lfl_delta", "lfldelta"), ("lfl_pct_change", "lflpctchange"), ("lfl_units", "lflunits"),
    ];

    public sealed record StateRow(long? ComputedGeneration, long? Watermark, DateTime? ComputedAt);

    // Every (unit, ancestor-with-descendants) pair of the tenant, the unit itself included: a few rows per
    // unit. The rollups join report rows to it by id and group by ancestor, so no per-row path arithmetic is
    // done over the (much larger) report_values. The ancestors are read off the unit's own path (the chain of
    // org_unit_ids from the root): every label above the unit has descendants, the unit's own label counts
    // only when it has children. Joining units to ancestors with `path <@ path` instead makes the planner
    // filter every (unit, parent) pair: quadratic in units, and past ~5,000 units a plan that never finished.
    // MATERIALIZED: computed once, a few thousand rows, instead of being re-planned into the join.
    private const string Ancestry = """
        parents AS MATERIALIZED (
            SELECT DISTINCT c.parent_id AS org_unit_id
            FROM org_units c
            WHERE c.tenant_id = @tenantId AND c.parent_id IS NOT NULL
        ),
        ancestry AS MATERIALIZED (
            SELECT d.org_unit_id AS unit, label.id AS ancestor
            FROM org_units d
            CROSS JOIN LATERAL unnest(string_to_array(ltree2text(d.path), '.')::bigint[]) AS label(id)
            WHERE d.tenant_id = @tenantId
              AND (label.id <> d.org_unit_id OR d.org_unit_id IN (SELECT p.org_unit_id FROM parents p))
        )
        """;

    /// <summary>
    /// Clears the queued-job claim (and, for a requested recompute, its claim), in its own short transaction.
    /// Writers never hold this row: it is the job's and the trigger's bookkeeping only.
    /// </summary>
    public static Task StartAsync(DbSession db, Guid tenantId, int year, bool releasesRecompute)
    {
        const string sql = """
            INSERT INTO rollup_state AS s (tenant_id, year) VALUES (@tenantId, @year)
            ON CONFLICT (tenant_id, year) DO UPDATE SET queued_job_id = NULL, queued_at = NULL,
                recompute_job_id = CASE WHEN @releasesRecompute THEN NULL ELSE s.recompute_job_id END,
                recompute_queued_at = CASE WHEN @releasesRecompute THEN NULL ELSE s.recompute_queued_at END
            """;
        return db.ExecuteAsync(sql, new { tenantId, year, releasesRecompute });
    }

    /// <summary>
    /// The changes of (tenant, year) not yet in the stored figures, as this statement sees them: every one committed
    /// before it. The job's later statements see at least as much, so the figures it computes include them all.
    /// A change whose transaction took its number earlier but commits later is not among them, and stays for the next run.
    /// </summary>
    public static async Task<long[]> PendingChangesAsync(DbSession db, Guid tenantId, int year) =>
        (await db.QueryAsync<long>("SELECT generation FROM figure_changes WHERE tenant_id = @tenantId AND year = @year",
            new { tenantId, year })).ToArray();

    /// <summary>The two keys of the advisory lock of (@tenantId, @year); the trigger looks for it in pg_locks.</summary>
    public const string LockClass = "hashtext('rollup')";
    public const string LockKey = "hashtext(@tenantId::text || ':' || @year::text)";

    /// <summary>
    /// Takes the lock and sets three settings for the job's transaction only:
    /// <list type="bullet">
    /// <item>JIT off: the cost estimates of its statements grow past the JIT threshold at about a million values,
    /// where compiling them took longer (≈ 3 s) than running them.</item>
    /// <item>Nested loops off: every statement of the job aggregates whole tenant-years, where hash and merge
    /// joins are right. A year whose values arrived after the last ANALYZE (a past year just imported) is
    /// estimated at one row, and the planner then chose a nested loop that compared 68,000 values with every
    /// report of the year: 7 s instead of 0.3 s (PROFILES.md, "a year the statistics have not seen").</item>
    /// <item>work_mem 64 MB: a tenant-year's values (192,000 at 1,000 units) are grouped in memory; at the default 4 MB
    /// the planner sorted them on disk (an external merge of 136,000 rows took 180 ms of a 430 ms run during a stream of
    /// writes). One job runs per worker, so the memory is bounded by the workers.</item>
    /// </list>
    /// </summary>
    public static Task LockAsync(DbSession db, Guid tenantId, int year) =>
        db.ExecuteAsync($"SELECT set_config('jit', 'off', true), set_config('enable_nestloop', 'off', true), set_config('enable_mergejoin', 'off', true), set_config('work_mem', '64MB', true), pg_advisory_xact_lock({LockClass}, {LockKey})",
            new { tenantId, year });

    public static Task LockComparisonAsync(DbSession db, Guid tenantId, int year, int baseYear) =>
        db.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtext('comparison'), hashtext(@tenantId::text || ':' || @year::text || ':' || @baseYear::text))",
            new { tenantId, year, baseYear });

    public static Task<StateRow> ReadStateAsync(DbSession db, Guid tenantId, int year)
    {
        const string sql = """
            SELECT computed_generation AS ComputedGeneration, watermark AS Watermark, computed_at AS ComputedAt
            FROM rollup_state WHERE tenant_id = @tenantId AND year = @year
            """;
        return db.QuerySingleAsync<StateRow>(sql, new { tenantId, year });
    }

    public static Task<long?> SourceWatermarkAsync(DbSession db, Guid tenantId, int year) =>
        db.QuerySingleAsync<long?>("SELECT max(seq) FROM report_versions WHERE tenant_id = @tenantId AND year = @year",
            new { tenantId, year });

    public static Task<bool> TreeChangedSinceAsync(DbSession db, Guid tenantId, DateTime computedAt) =>
        db.QuerySingleAsync<bool>("SELECT EXISTS (SELECT 1 FROM org_units WHERE tenant_id = @tenantId AND created_at > @computedAt)",
            new { tenantId, computedAt });

    public sealed record TemplateUse(int Year, string Template, long Reports);

    /// <summary>Which templates the current reports of each year use, and how many.</summary>
    public static Task<IEnumerable<TemplateUse>> TemplatesInUseAsync(DbSession db, Guid tenantId)
    {
        const string sql = """
            SELECT year AS Year, counted_template AS Template, count(*) AS Reports
            FROM reports WHERE tenant_id = @tenantId AND counted_template IS NOT NULL
            GROUP BY year, counted_template
            """;
        return db.QueryAsync<TemplateUse>(sql, new { tenantId });
    }

    /// <summary>
    /// The completeness is stored anew (one row per unit with descendants: a few dozen); the values are rewritten in place
    /// by <see cref="StoreValuesAsync"/>.
    /// </summary>
    public static Task ClearCompletenessAsync(DbSession db, Guid tenantId, int year) =>
        db.ExecuteAsync("DELETE FROM rollup_completeness WHERE tenant_id = @tenantId AND year = @year", new { tenantId, year });

    /// <summary>
    /// Computes the year's rollup values and makes the stored rows those figures, writing only what differs (see
    /// <see cref="Merge"/>). Answers how many rows it wrote.
    /// </summary>
    /// <param name="notSummed">Indicators whose aggregation is none. Excluding the few (usually none) costs
    /// far less per row than matching each row against the list of every summable code.</param>
    public static Task<int> StoreValuesAsync(DbSession db, Guid tenantId, int year, string template, string[] notSummed) =>
        db.QuerySingleAsync<int>(StoreValuesSql, new { tenantId, year, template, notSummed });

    private static readonly string StoreValuesSql = $"""
        WITH {Ancestry},
        current AS (
            SELECT v.org_unit_id, v.indicator, v.value
            FROM counted_values v
            WHERE v.tenant_id = @tenantId AND v.year = @year AND v.template = @template
              AND v.indicator <> ALL(@notSummed)
        ),
        -- Each value is summed once, into its holder: the unit itself when it has children, else its parent (a root
        -- without children has none: it has no rollup). The holders' partial sums are then summed into every unit of the
        -- holder's path, the holder included (it has children). The same figures as summing every value into each of its
        -- ancestors, for a pass over the values instead of one per level of the tree.
        holders AS MATERIALIZED (
            SELECT o.org_unit_id AS unit,
                   CASE WHEN o.org_unit_id IN (SELECT p.org_unit_id FROM parents p) THEN o.org_unit_id ELSE o.parent_id END AS holder
            FROM org_units o
            WHERE o.tenant_id = @tenantId
        ),
        partial AS (
            SELECT h.holder, c.indicator, sum(c.value) AS value, count(c.value) AS reporters, count(*) AS cells
            FROM current c
            JOIN holders h ON h.unit = c.org_unit_id
            WHERE h.holder IS NOT NULL
            GROUP BY h.holder, c.indicator
        ),
        fresh AS MATERIALIZED (
            SELECT x.ancestor AS org_unit_id, p.indicator, sum(p.value) AS value, sum(p.reporters)::int AS reporters, sum(p.cells)::int AS cells
            FROM partial p
            JOIN ancestry x ON x.unit = p.holder
            GROUP BY x.ancestor, p.indicator
        ),
        {Merge("rollup_values", "r.tenant_id = @tenantId AND r.year = @year", "tenant_id, year", "@tenantId, @year", RollupColumns)}
        """;

    /// <summary>
    /// The CTEs that make the stored rows of <paramref name="table"/> that <paramref name="scope"/> selects (alias r; a new row
    /// takes <paramref name="scopeValues"/> in <paramref name="scopeColumns"/>) those of
    /// the CTE fresh (org_unit_id, indicator and the sources of <paramref name="columns"/>), and the count of rows written;
    /// <paramref name="ownRows"/> narrows the stored rows to those the statement stores (a comparison stored in parts).
    /// Only what differs is written: a row whose figures changed (compared as written, so 12.50 replaces 12.5), a row new
    /// to the figures, a row no longer among them. A run over figures that did not change writes nothing, and a correction
    /// rewrites the rows of its ancestors it changed, not every row of the year (each with its index entry, its WAL, and a
    /// dead row for every later read to pass until vacuumed). The job holds the (tenant, year) lock, so nothing else writes
    /// these rows meanwhile; every part reads them as they were before the statement, and a row to update or delete is
    /// found again by its ctid. The differences are found by one full join, which the planner can only hash or merge: a
    /// nested loop over a CTE it misjudges (a year stored for the first time is estimated at one row) would compare every
    /// row with every other.
    /// </summary>
    private static string Merge(string table, string scope, string scopeColumns, string scopeValues, (string Column, string Fresh)[] columns, string ownRows = "") => $"""
        stored AS (
            SELECT r.ctid AS row_id, r.org_unit_id, r.indicator, ROW({string.Join(", ", columns.Select(c => $"r.{c.Column}"))})::text AS figures
            FROM {table} r WHERE {scope} {ownRows}
        ),
        diff AS MATERIALIZED (
            SELECT coalesce(f.org_unit_id, s.org_unit_id) AS org_unit_id, coalesce(f.indicator, s.indicator) AS indicator,
                   CASE WHEN s.org_unit_id IS NULL THEN 'added' WHEN f.org_unit_id IS NULL THEN 'gone' ELSE 'changed' END AS change, s.row_id,
                   {string.Join(", ", columns.Select(c => $"f.{c.Fresh}"))}
            FROM fresh f
            FULL JOIN stored s ON s.org_unit_id = f.org_unit_id AND s.indicator = f.indicator
            WHERE s.figures IS DISTINCT FROM ROW({string.Join(", ", columns.Select(c => $"f.{c.Fresh}"))})::text
        ),
        changed AS (
            UPDATE {table} r SET {string.Join(", ", columns.Select(c => $"{c.Column} = d.{c.Fresh}"))}
            FROM diff d
            WHERE {scope} AND r.ctid = d.row_id AND d.change = 'changed'
            RETURNING 1
        ),
        added AS (
            INSERT INTO {table} ({scopeColumns}, org_unit_id, indicator, {string.Join(", ", columns.Select(c => c.Column))})
            SELECT {scopeValues}, d.org_unit_id, d.indicator, {string.Join(", ", columns.Select(c => $"d.{c.Fresh}"))}
            FROM diff d WHERE d.change = 'added'
            RETURNING 1
        ),
        gone AS (
            DELETE FROM {table} r USING diff d
            WHERE {scope} AND r.ctid = d.row_id AND d.change = 'gone'
            RETURNING 1
        )
        SELECT ((SELECT count(*) FROM changed) + (SELECT count(*) FROM added) + (SELECT count(*) FROM gone))::int
        """;

    /// <summary>The stored comparison rows of one statement's keys: those of the plan it is given.</summary>
    private static string StoredComparison(string sums) => $"""
        fresh AS MATERIALIZED (SELECT t.org_unit_id, t.key AS indicator, {ComparisonFigures.Figures} FROM {sums} t),
        {Merge("comparison_values", "r.tenant_id = @TenantId AND r.year = @Year AND r.base_year = @BaseYear", "tenant_id, year, base_year",
            "@TenantId, @Year, @BaseYear",
            ComparisonColumns, ownRows: "AND (@OnlyKeys::text[] IS NULL OR r.indicator = ANY(@OnlyKeys))")}
        """;

    public static Task<int> InsertCompletenessAsync(DbSession db, Guid tenantId, int year, string template)
    {
        // Expected to report: units without children, units flagged as reporting their own figures, and any unit
        // that did report (a unit that reported before units were added below it, say): its figures are in the
        // sums, so it must be among the reporters too, or completeness and values would disagree. Reported means a
        // version counts (review off, or one accepted); a unit whose newest version waits for a reviewer is listed
        // as awaiting review, and as missing too while none of its versions counts.
        const string sql = $"""
            WITH {Ancestry},
            expected AS (
                SELECT o.org_unit_id, o.code, o.path, own.reported, own.awaiting_review
                FROM org_units o
                CROSS JOIN LATERAL (
                    SELECT EXISTS (SELECT 1 FROM reports r
                                   WHERE r.tenant_id = o.tenant_id AND r.org_unit_id = o.org_unit_id
                                     AND r.year = @year AND r.counted_template = @template) AS reported,
                           EXISTS (SELECT 1 FROM reports r
                                   JOIN report_versions v ON v.tenant_id = r.tenant_id AND v.org_unit_id = r.org_unit_id
                                                         AND v.year = r.year AND v.version = r.current_version
                                   WHERE r.tenant_id = o.tenant_id AND r.org_unit_id = o.org_unit_id
                                     AND r.year = @year AND v.status = 'submitted') AS awaiting_review) own
                WHERE o.tenant_id = @tenantId
                  AND (own.reported OR own.awaiting_review OR o.reports
                       OR NOT EXISTS (SELECT 1 FROM org_units c WHERE c.tenant_id = o.tenant_id AND c.parent_id = o.org_unit_id))
            )
            INSERT INTO rollup_completeness (tenant_id, year, org_unit_id, expected, reported, missing, awaiting_review)
            SELECT @tenantId, @year, x.ancestor, count(*), count(*) FILTER (WHERE e.reported),
                   coalesce(array_agg(e.code ORDER BY e.code COLLATE "C") FILTER (WHERE NOT e.reported), ARRAY[]::text[]),
                   coalesce(array_agg(e.code ORDER BY e.code COLLATE "C") FILTER (WHERE e.awaiting_review), ARRAY[]::text[])
            FROM expected e
            JOIN ancestry x ON x.unit = e.org_unit_id
            GROUP BY x.ancestor
            """;
        return db.ExecuteAsync(sql, new { tenantId, year, template });
    }

    /// <summary>
    /// Drops the comparison's state, stored anew by <see cref="InsertComparisonStateAsync"/> once its rows are; and when
    /// the rows are stored by parts (<paramref name="byParts"/>: a plan split between keys of one code and keys of
    /// several), the rows of keys the plan no longer has (a year whose template changed), which neither part would.
    /// </summary>
    public static Task ClearComparisonAsync(DbSession db, ComparisonPlan plan, bool byParts)
    {
        var sql = "DELETE FROM comparison_state WHERE tenant_id = @TenantId AND year = @Year AND base_year = @BaseYear";
        if (byParts)
            sql += ";\nDELETE FROM comparison_values WHERE tenant_id = @TenantId AND year = @Year AND base_year = @BaseYear AND indicator <> ALL(@LaterKeys)";
        return db.ExecuteAsync(sql, new { plan.TenantId, plan.Year, plan.BaseYear, plan.LaterKeys });
    }

    /// <summary>
    /// The parameters of a statement storing <paramref name="part"/> of a comparison: OnlyKeys, the keys whose stored rows it
    /// makes its own, is null when the part is the whole plan (every stored row of the comparison is then its own).
    /// </summary>
    private static DynamicParameters PartParameters(ComparisonPlan part, bool wholePlan)
    {
        var parameters = new DynamicParameters(part);
        parameters.Add("OnlyKeys", wholePlan ? null : part.LaterKeys);
        return parameters;
    }

    /// <summary>
    /// One comparison (year against base year) for every unit with descendants (<see cref="ComparisonFigures"/>), stored
    /// in place; how many rows it wrote.
    /// </summary>
    public static Task<int> StoreComparisonAsync(DbSession db, ComparisonPlan plan, bool wholePlan) =>
        db.QuerySingleAsync<int>(StoreComparisonSql, PartParameters(plan, wholePlan));

    private static readonly string StoreComparisonSql = $"""
        WITH {Ancestry},
        {ComparisonFigures.UnitPairs("")},
        totals AS (
            SELECT x.ancestor AS org_unit_id, u.key, {ComparisonFigures.Sums}
            FROM unit_pair u
            JOIN ancestry x ON x.unit = u.org_unit_id
            GROUP BY x.ancestor, u.key
        ),
        {StoredComparison("totals")}
        """;

    /// <summary>
    /// Whether a year's stored rollup is current: computed on <paramref name="template"/>, and nothing pending since
    /// (no figure change, no version past its watermark, no unit created since it was computed).
    /// </summary>
    public static Task<bool> RollupCurrentAsync(DbSession db, Guid tenantId, int year, string template)
    {
        const string sql = """
            SELECT s.computed_at IS NOT NULL AND s.template = @template
               AND s.watermark IS NOT DISTINCT FROM (SELECT max(v.seq) FROM report_versions v WHERE v.tenant_id = s.tenant_id AND v.year = s.year)
               AND NOT EXISTS (SELECT 1 FROM figure_changes f WHERE f.tenant_id = s.tenant_id AND f.year = s.year AND f.kind <> 'deadline')
               AND NOT EXISTS (SELECT 1 FROM org_units o WHERE o.tenant_id = s.tenant_id AND o.created_at > s.computed_at)
            FROM rollup_state s WHERE s.tenant_id = @tenantId AND s.year = @year
            """;
        return db.QuerySingleOrDefaultAsync<bool>(sql, new { tenantId, year, template });
    }

    /// <summary>
    /// Whether a year's stored rollup was taken over whole reports: at every root, every summable indicator has a
    /// row, and a row per counted unit (cells = reported), so a value missing is a row holding null. Every writer
    /// stores reports so; rows written otherwise (or before cells existed) make the comparison take the long way.
    /// </summary>
    public static Task<bool> RollupOfWholeReportsAsync(DbSession db, Guid tenantId, int year, int summableCodes)
    {
        const string sql = """
            SELECT count(*) > 0 AND bool_and(v.cells IS NOT DISTINCT FROM c.reported)
                   AND count(*) = count(DISTINCT o.org_unit_id) * @summableCodes
            FROM org_units o
            JOIN rollup_completeness c ON c.tenant_id = o.tenant_id AND c.year = @year AND c.org_unit_id = o.org_unit_id
            JOIN rollup_values v ON v.tenant_id = o.tenant_id AND v.year = @year AND v.org_unit_id = o.org_unit_id
            WHERE o.tenant_id = @tenantId AND o.parent_id IS NULL
            """;
        return db.QuerySingleAsync<bool>(sql, new { tenantId, year, summableCodes });
    }

    /// <summary>
    /// A comparison of keys of one code in each year (every key within a template; the single cells of a declared
    /// mapping across a template change) from the two years' stored rollups (Σ and count of non-null values per unit
    /// with descendants) instead of every counted value: the same figures as <see cref="StoreComparisonAsync"/> at a
    /// small part of its cost. The like-for-like sums are the totals less what is not like for like, and that is
    /// read cell by cell only where it is: the values of units counted in one of the two years, and the other year's
    /// value of a cell left empty in one year (report_values_empty finds those). Valid when both rollups stand for
    /// their values: current (<see cref="RollupCurrentAsync"/>; the job's own year is computed in the same
    /// transaction), and taken over whole reports (<see cref="RollupOfWholeReportsAsync"/>). Nested loops are allowed
    /// for this statement: the cells it reads one by one are few, and found through indexes.
    /// </summary>
    public static Task<int> StoreComparisonFromRollupsAsync(DbSession db, ComparisonPlan plan, bool wholePlan) =>
        db.QueryMultipleAsync(
            $"SELECT set_config('enable_nestloop', 'on', true);\n{StoreComparisonFromRollupsSql};\nSELECT set_config('enable_nestloop', 'off', true)", PartParameters(plan, wholePlan),
            async grid =>
            {
                await grid.ReadAsync<string>();
                return await grid.ReadSingleAsync<int>();
            });

    // later_map / base_map pair each key with its one code in each year: the same code within a template, the
    // declared mapping's single cells across a template change (keys of several codes take the unit-level statement).
    private static readonly string StoreComparisonFromRollupsSql = $"""
        WITH {Ancestry},
        later_map AS MATERIALIZED (SELECT * FROM unnest(@LaterKeys::text[], @LaterCodes::text[]) AS m(key, code)),
        base_map AS MATERIALIZED (SELECT * FROM unnest(@BaseKeys::text[], @BaseCodes::text[]) AS m(key, code)),
        later_units AS MATERIALIZED (
            SELECT r.org_unit_id FROM reports r WHERE r.tenant_id = @TenantId AND r.year = @Year AND r.counted_template = @Template
        ),
        base_units AS MATERIALIZED (
            SELECT r.org_unit_id FROM reports r WHERE r.tenant_id = @TenantId AND r.year = @BaseYear AND r.counted_template = @BaseTemplate
        ),
        empty_cells AS MATERIALIZED (
            -- A cell left empty in one year, with the code of the same key in the other year.
            SELECT v.org_unit_id, lm.key, @BaseYear AS other_year, bm.code AS other_code
            FROM report_values v
            JOIN later_map lm ON lm.code = v.indicator
            JOIN base_map bm ON bm.key = lm.key
            WHERE v.tenant_id = @TenantId AND v.year = @Year AND v.value IS NULL
            UNION ALL
            SELECT v.org_unit_id, bm.key, @Year, lm.code
            FROM report_values v
            JOIN base_map bm ON bm.code = v.indicator
            JOIN later_map lm ON lm.key = bm.key
            WHERE v.tenant_id = @TenantId AND v.year = @BaseYear AND v.value IS NULL
        ),
        not_like_for_like AS (
            -- Every value of a unit counted in the later year only, or in the base year only.
            SELECT v.org_unit_id, m.key, v.value AS later, NULL::numeric AS base
            FROM report_values v
            JOIN later_map m ON m.code = v.indicator
            WHERE v.tenant_id = @TenantId AND v.year = @Year AND v.value IS NOT NULL
              AND v.org_unit_id IN (SELECT org_unit_id FROM later_units EXCEPT SELECT org_unit_id FROM base_units)
            UNION ALL
            SELECT v.org_unit_id, m.key, NULL, v.value
            FROM report_values v
            JOIN base_map m ON m.code = v.indicator
            WHERE v.tenant_id = @TenantId AND v.year = @BaseYear AND v.value IS NOT NULL
              AND v.org_unit_id IN (SELECT org_unit_id FROM base_units EXCEPT SELECT org_unit_id FROM later_units)
            UNION ALL
            -- A unit counted in both years with a cell empty in one of them: its value in the other year.
            SELECT v.org_unit_id, e.key,
                   CASE WHEN e.other_year = @Year THEN v.value END, CASE WHEN e.other_year = @BaseYear THEN v.value END
            FROM empty_cells e
            JOIN report_values v ON v.tenant_id = @TenantId AND v.year = e.other_year
                                AND v.org_unit_id = e.org_unit_id AND v.indicator = e.other_code
            WHERE v.value IS NOT NULL
              AND e.org_unit_id IN (SELECT org_unit_id FROM later_units INTERSECT SELECT org_unit_id FROM base_units)
        ),
        corrections AS (
            SELECT x.ancestor AS org_unit_id, n.key, sum(n.later) AS later, count(n.later) AS later_units, sum(n.base) AS base
            FROM not_like_for_like n
            JOIN ancestry x ON x.unit = n.org_unit_id
            GROUP BY x.ancestor, n.key
        ),
        sums AS (
            SELECT coalesce(l.org_unit_id, b.org_unit_id) AS org_unit_id, coalesce(l.key, b.key) AS key,
                   l.value, b.value AS base_value, coalesce(l.reporters, 0) AS reporters
            FROM (SELECT r.org_unit_id, m.key, r.value, r.reporters FROM rollup_values r JOIN later_map m ON m.code = r.indicator
                  WHERE r.tenant_id = @TenantId AND r.year = @Year) l
            FULL JOIN (SELECT r.org_unit_id, m.key, r.value FROM rollup_values r JOIN base_map m ON m.code = r.indicator
                       WHERE r.tenant_id = @TenantId AND r.year = @BaseYear) b
                   ON b.org_unit_id = l.org_unit_id AND b.key = l.key
        ),
        totals AS (
            SELECT s.org_unit_id, s.key, s.value, s.base_value, s.reporters - coalesce(c.later_units, 0) AS lfl_units,
                   s.value - coalesce(c.later, 0) AS lfl_value, s.base_value - coalesce(c.base, 0) AS lfl_base_value
            FROM sums s
            LEFT JOIN corrections c ON c.org_unit_id = s.org_unit_id AND c.key = s.key
        ),
        t AS (
            -- No unit with a value in both years: no like-for-like sum, as the sum over no unit is none.
            SELECT org_unit_id, key, value, base_value, lfl_units,
                   CASE WHEN lfl_units > 0 THEN lfl_value END AS lfl_value, CASE WHEN lfl_units > 0 THEN lfl_base_value END AS lfl_base_value
            FROM totals
        ),
        {StoredComparison("t")}
        """;

    public static Task InsertComparisonStateAsync(DbSession db, ComparisonPlan plan, long watermark)
    {
        const string sql = """
            INSERT INTO comparison_state (tenant_id, year, base_year, template, base_template, not_comparable, watermark, computed_at)
            VALUES (@TenantId, @Year, @BaseYear, @Template, @BaseTemplate, @NotComparable, @watermark, now())
            """;
        return db.ExecuteAsync(sql, new { plan.TenantId, plan.Year, plan.BaseYear, plan.Template, plan.BaseTemplate, plan.NotComparable, watermark });
    }

    public static Task<long> PairWatermarkAsync(DbSession db, Guid tenantId, int year, int baseYear) =>
        db.QuerySingleAsync<long>("SELECT coalesce(max(seq), 0) FROM report_versions WHERE tenant_id = @tenantId AND year IN (@year, @baseYear)",
            new { tenantId, year, baseYear });

    /// <summary>
    /// Records the stored figures: consumes exactly the changes they include (<paramref name="consumed"/>), takes the
    /// figures' generation from the global sequence and announces it (delivered when the job commits, so a replica
    /// that hears it reads the new figures).
    /// </summary>
    public static Task FinishAsync(DbSession db, Guid tenantId, int year, long[] consumed, long? watermark, string template)
    {
        const string sql = $"""
            WITH consumed AS (
                DELETE FROM figure_changes WHERE tenant_id = @tenantId AND year = @year AND generation = ANY (@consumed)
            ),
            stored AS (
                UPDATE rollup_state
                   SET computed_generation = greatest(coalesce(computed_generation, 0), @seen),
                       figures_generation = nextval('figure_generation'),
                       watermark = @watermark, template = @template, computed_at = now(), runs = runs + 1, last_error = NULL,
                       dirty_since = NULL
                 WHERE tenant_id = @tenantId AND year = @year
                RETURNING figures_generation
            )
            SELECT pg_notify('{FigureChanges.Channel}',
                             @tenantId::text || ':' || @year::text || ':' || figures_generation::text || ':{FigureChanges.Stored}')
            FROM stored
            """;
        var seen = consumed.Length == 0 ? 0 : consumed.Max();
        return db.ExecuteAsync(sql, new { tenantId, year, consumed, seen, watermark, template });
    }

    public static Task RecordErrorAsync(DbSession db, Guid tenantId, int year, string error) =>
        db.ExecuteAsync("UPDATE rollup_state SET last_error = @error WHERE tenant_id = @tenantId AND year = @year",
            new { tenantId, year, error });
}

/// <summary>The arguments of one comparison: codes of each side keyed by the later template's code or mapping key.</summary>
public sealed record ComparisonPlan(
    Guid TenantId, int Year, int BaseYear, string Template, string BaseTemplate,
    string[] LaterKeys, string[] LaterCodes, string[] BaseKeys, string[] BaseCodes, string[] NotComparable)
{
    /// <summary>
    /// The plan cut in two: the keys of exactly one code in each year (every key within a template), and the keys
    /// that sum several codes in either year (some entries of a mapping across a template change).
    /// </summary>
    public (ComparisonPlan SingleCodes, ComparisonPlan SeveralCodes) SplitBySingleCodes()
    {
        var single = LaterKeys.CountBy(key => key).Where(pair => pair.Value == 1).Select(pair => pair.Key)
            .Intersect(BaseKeys.CountBy(key => key).Where(pair => pair.Value == 1).Select(pair => pair.Key), StringComparer.Ordinal)
            .ToHashSet(StringComparer.Ordinal);
        return (Keep(key => single.Contains(key)), Keep(key => !single.Contains(key)));
    }

    private ComparisonPlan Keep(Func<string, bool> keep)
    {
        var later = LaterKeys.Zip(LaterCodes).Where(pair => keep(pair.First)).ToArray();
        var earlier = BaseKeys.Zip(BaseCodes).Where(pair => keep(pair.First)).ToArray();
        return this with
        {
            LaterKeys = later.Select(pair => pair.First).ToArray(), LaterCodes = later.Select(pair => pair.Second).ToArray(),
            BaseKeys = earlier.Select(pair => pair.First).ToArray(), BaseCodes = earlier.Select(pair => pair.Second).ToArray(),
        };
    }
}
