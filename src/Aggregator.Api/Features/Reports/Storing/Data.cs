using Aggregator.Api.Auth;
using Dapper;
using Aggregator.Api.Features.Shared;
using Aggregator.Data;

namespace Aggregator.Api.Features.Reports.Storing;

internal static class Data
{
    /// <summary>The current version: what its ETag is made of, and what a new version is compared with.</summary>
    public sealed record CurrentRow(int Version, byte[] ContentHash, string Template, string Values, string Warnings, DateTime CreatedAt,
        string Status, DateTime StatusAt, string StatusBy, string? StatusComment)
    {
        /// <summary>A reviewer accepted the year's report and nobody reopened it: no version may be added.</summary>
        public bool Locked { get; init; }
    }

    private sealed record ReportLock(int Version, bool Locked);

    /// <summary>Where the look's lock of the report asks for the Idempotency-Key's advisory lock, when there is a key.</summary>
    private const string KeyHeld = "/* key held */ true";

    /// <summary>
    /// What a write learns before it decides, in one round trip (one command of several statements, run in order): the
    /// Idempotency-Key's claim (<see cref="Idempotency.ClaimSql"/>, when there is a key), the route's unit if the caller's
    /// scope reaches it, the review mode, the report row locked, and the version it then points at.
    /// <list type="bullet">
    /// <item>The review mode is read FOR KEY SHARE, which holds off a change of the setting (it locks the row FOR UPDATE)
    /// until this version commits, so that turning review off always sees, and accepts, a version stored as submitted;
    /// writers do not block one another. The tenants row is locked before the report row, in the order turning review
    /// off locks them: the other order deadlocks a version of a report waiting for review with it.</item>
    /// <item>The report row is locked FOR UPDATE until commit, so no other writer can pass the same If-Match; the current
    /// version is read by the next statement, with a snapshot of its own taken after the lock was granted. In one
    /// statement joining the version, READ COMMITTED would re-check only the locked report row after a wait, against the
    /// version row read before it: a waiter would take the report for one without versions (a wrong 412).</item>
    /// <item><c>now()</c>, the transaction's time: the new version's created_at, known before it is written, so that the
    /// answer recorded for the Idempotency-Key goes out with the version.</item>
    /// </list>
    /// </summary>
    public static Task<Look> LookAsync(DbSession db, Auth.Caller caller, string orgCode, int year, Idempotency.Claim? claim, bool sweep)
    {
        const string unit = $"SELECT o.org_unit_id FROM org_units o WHERE o.code = @orgCode AND {OrgScope.SqlFilter}";
        const string look = $"""
            {unit};
            SELECT review AS Review, now() AS Now FROM tenants WHERE tenant_id = @TenantId FOR KEY SHARE;
            SELECT current_version AS Version, locked AS Locked FROM reports
            WHERE tenant_id = @TenantId AND year = @year AND org_unit_id = ({unit}) AND {KeyHeld}
            FOR UPDATE;
            SELECT version AS Version, content_hash AS ContentHash, template AS Template,
                   values::text AS Values, warnings::text AS Warnings, created_at AS CreatedAt,
                   status AS Status, status_at AS StatusAt, status_by AS StatusBy, status_comment AS StatusComment
            FROM report_versions
            WHERE tenant_id = @TenantId AND year = @year AND org_unit_id = ({unit})
              AND version = (SELECT current_version FROM reports WHERE tenant_id = @TenantId AND year = @year AND org_unit_id = ({unit}))
            """;

        var parameters = new DynamicParameters(Auth.OrgScope.Of(caller, db.Tenant));
        parameters.Add("orgCode", orgCode);
        parameters.Add("year", year);
        // With a key, the report is locked only when the key's advisory lock is this transaction's (taken again, it stacks):
        // while another request with the key is in flight, this one is answered 409 at once instead of waiting for its row.
        var sql = look.Replace(KeyHeld, claim is null ? "true" : Idempotency.HeldSql, StringComparison.Ordinal);
        if (claim is not null)
        {
            parameters.AddDynamicParams(claim.Parameters(db.Tenant));
            sql = $"{Idempotency.ClaimSql};\n{(sweep ? $"{Idempotency.SweepSql};\n" : "")}{sql}";
        }
        return db.QueryMultipleAsync(sql, parameters, async grid =>
        {
            var claimed = claim is null ? null : await grid.ReadSingleAsync<Idempotency.ClaimRow>();
            if (claim is not null && sweep) await grid.ReadAsync<long>();
            var orgUnitId = await grid.ReadSingleOrDefaultAsync<long?>();
            var tenant = await grid.ReadSingleAsync<TenantRow>();
            var locked = await grid.ReadSingleOrDefaultAsync<ReportLock>();
            var current = await grid.ReadSingleOrDefaultAsync<CurrentRow>();
            return new Look(orgUnitId, claimed, tenant.Review, DateTime.SpecifyKind(tenant.Now, DateTimeKind.Utc),
                locked is null || current is null ? null : current with { Locked = locked.Locked });
        });
    }

    /// <summary>What <see cref="LookAsync"/> found: null <see cref="OrgUnitId"/> when the unit is not in the caller's scope.</summary>
    public sealed record Look(long? OrgUnitId, Idempotency.ClaimRow? Claim, string ReviewMode, DateTime Now, CurrentRow? Current);

    private sealed record TenantRow(string Review, DateTime Now);

    /// <summary>A new version's review status as stored with it: who moved it there, when (now) and why.</summary>
    public sealed record InitialStatus(string Status, string By, string? Comment);

    /// <summary>
    /// A new version in one round trip (one command of several statements): the report pointed at its next version and
    /// the version row (one statement, so that the version is written only when the report took it), when it counts the
    /// value rows replaced, the audit entry, and the answer recorded for the Idempotency-Key. Returns the version the
    /// report took; anything but the expected one means a first version of the same report was committed meanwhile (two
    /// first versions have no row to lock beforehand; the second waits for the first on the primary key): the caller
    /// throws everything away and runs again.
    /// </summary>
    /// <remarks>
    /// The report row: when it counts (review off, or accepted on storing) the new version is also the one that counts;
    /// a resubmission (the current version was returned) makes the same content a new version too. A first version racing
    /// another with this very content changes nothing (no row returned): the caller's retry finds it unchanged.
    /// </remarks>
    public static Task<int?> WriteVersionAsync(DbSession db, NewVersion v, AuditEntry audit, Idempotency.Record? record)
    {
        const string versionSql = """
            WITH advanced AS (
                INSERT INTO reports AS r (tenant_id, org_unit_id, year, template, current_version, content_hash, counted_version, counted_template)
                VALUES (@TenantId, @OrgUnitId, @Year, @Template, 1, @ContentHash,
                        CASE WHEN @Counts THEN 1 END, CASE WHEN @Counts THEN @Template END)
                ON CONFLICT (tenant_id, org_unit_id, year) DO UPDATE
                   SET current_version = r.current_version + 1, template = excluded.template,
                       content_hash = excluded.content_hash, updated_at = now(),
                       counted_version = CASE WHEN @Counts THEN r.current_version + 1 ELSE r.counted_version END,
                       counted_template = CASE WHEN @Counts THEN excluded.template ELSE r.counted_template END
                   WHERE r.content_hash <> excluded.content_hash OR @Resubmission
                RETURNING current_version)
            INSERT INTO report_versions (tenant_id, org_unit_id, year, version, template, values, warnings, note, content_hash, api_key_id,
                                         status, status_at, status_by, status_comment, reported_at, source)
            SELECT @TenantId, @OrgUnitId, @Year, a.current_version, @Template, @VersionValues::jsonb, @Warnings::jsonb, @Note, @ContentHash,
                   @ApiKeyId, @Status, now(), @StatusBy, @StatusComment, @ReportedAt, @Source::jsonb
            FROM advanced a WHERE a.current_version = @Version
            RETURNING version
            """;
        var parameters = new DynamicParameters(v);
        var sql = versionSql;
        // report_values hold the version that counts: a submitted version changes nothing there until accepted.
        if (v.Codes is not null) sql += ";\n" + ReplaceValuesSql;
        sql += ";\n" + AuditLog.CountedInsertSql;
        parameters.AddDynamicParams(audit.Parameters());
        if (record is not null)
        {
            sql += ";\n" + Idempotency.RecordSql;
            parameters.AddDynamicParams(record.Parameters());
        }
        return db.QueryMultipleAsync(sql, parameters, grid => grid.ReadSingleOrDefaultAsync<int?>());
    }

    /// <summary>The parameters of <see cref="WriteVersionAsync"/>'s version; <see cref="Codes"/> null when it does not count yet.</summary>
    public sealed record NewVersion(Guid TenantId, long OrgUnitId, int Year, int Version, string Template, byte[] ContentHash, bool Counts,
        bool Resubmission, string VersionValues, string Warnings, string? Note, string ApiKeyId, string Status, string StatusBy,
        string? StatusComment, DateTimeOffset? ReportedAt, string[]? Codes, decimal?[]? Figures, string? Source);

    /// <summary>The counted value rows made those of another version (an accepted one), one round trip.</summary>
    public static Task ReplaceValuesAsync(DbSession db, Guid tenantId, long orgUnitId, int year, string[] codes, decimal?[] values)
    {
        return db.QuerySingleAsync<long>(ReplaceValuesSql,
            new { TenantId = tenantId, OrgUnitId = orgUnitId, Year = year, Codes = codes, Figures = values });
    }

    /// <summary>
    /// The one statement that makes a unit's counted value rows (@TenantId, @Year, @OrgUnitId) those of the version that now
    /// counts (@Codes, @Figures); answers how many rows it wrote. Only what differs is
    /// written: a row whose value changed (compared as written, so 12.50 replaces 12.5), a code new to the unit, a code
    /// no longer reported. A one-figure correction writes one row, not every row of the template twice (deleted, then
    /// inserted again: each with its index entries, its foreign-key check and its WAL, and a dead row for every
    /// rollup to scan past until vacuumed). The report row is locked by the caller, so nothing else writes these rows
    /// meanwhile; every part reads the rows as they were before the statement.
    /// </summary>
    private const string ReplaceValuesSql = """
        WITH incoming AS (
            SELECT v.indicator, v.value FROM unnest(@Codes::text[], @Figures::numeric[]) AS v(indicator, value)),
        stored AS (
            SELECT r.indicator, r.value FROM report_values r
            WHERE r.tenant_id = @TenantId AND r.year = @Year AND r.org_unit_id = @OrgUnitId),
        gone AS (
            DELETE FROM report_values r
            WHERE r.tenant_id = @TenantId AND r.year = @Year AND r.org_unit_id = @OrgUnitId AND r.indicator <> ALL (@Codes::text[])
            RETURNING 1),
        changed AS (
            UPDATE report_values r SET value = i.value
            FROM incoming i JOIN stored s ON s.indicator = i.indicator
            WHERE r.tenant_id = @TenantId AND r.year = @Year AND r.org_unit_id = @OrgUnitId AND r.indicator = i.indicator
              AND s.value::text IS DISTINCT FROM i.value::text
            RETURNING 1),
        added AS (
            INSERT INTO report_values (tenant_id, year, org_unit_id, indicator, value)
            SELECT @TenantId, @Year, @OrgUnitId, i.indicator, i.value FROM incoming i
            WHERE NOT EXISTS (SELECT 1 FROM stored s WHERE s.indicator = i.indicator)
            RETURNING 1)
        SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM changed) + (SELECT count(*) FROM added)
        """;
}
