using Aggregator.Data;
using Dapper;

namespace Aggregator.Api.Tests.Faults;

/// <summary>
/// What a tenant's year holds after a fault, checked for the half-stored: every version whole (its report pointer,
/// its counted values, one audit entry, a recorded Idempotency-Key answer), and no version stored twice.
/// </summary>
public static class StoredReports
{
    /// <summary>Versions per unit code with the "1.1" of each, in version order.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<decimal>>> VersionsAsync(TenantDb tenantDb, Guid tenantId, int year)
    {
        const string sql = """
            SELECT o.code AS Org, v.version AS Version, (v.values->>'1.1')::numeric AS Value
            FROM report_versions v JOIN org_units o ON o.tenant_id = v.tenant_id AND o.org_unit_id = v.org_unit_id
            WHERE v.tenant_id = @tenantId AND v.year = @year
            ORDER BY o.code, v.version
            """;
        await using var db = await tenantDb.BeginAsync(tenantId, CancellationToken.None);
        var rows = await db.QueryAsync<(string Org, int Version, decimal Value)>(sql, new { tenantId, year });
        await db.CommitAsync();
        return rows.GroupBy(row => row.Org).ToDictionary(unit => unit.Key, unit =>
        {
            var versions = unit.ToList();
            // Versions are numbered 1, 2, … without a gap or a repeat.
            Assert.Equal(Enumerable.Range(1, versions.Count), versions.Select(row => row.Version));
            return (IReadOnlyList<decimal>)versions.Select(row => row.Value).ToList();
        });
    }

    /// <summary>Each inconsistency found, described; empty when every version is whole.</summary>
    public static async Task<IReadOnlyList<string>> InconsistenciesAsync(TenantDb tenantDb, Guid tenantId, int year)
    {
        const string pointers = """
            SELECT format('report %s: current %s, counted %s, versions %s', r.org_unit_id, r.current_version, r.counted_version, count(v.version))
            FROM reports r LEFT JOIN report_versions v ON v.tenant_id = r.tenant_id AND v.org_unit_id = r.org_unit_id AND v.year = r.year
            WHERE r.tenant_id = @tenantId AND r.year = @year
            GROUP BY r.org_unit_id, r.current_version, r.counted_version
            HAVING r.current_version <> count(v.version) OR r.current_version <> max(v.version)
                OR r.counted_version IS DISTINCT FROM r.current_version
            """;
        // The counted version's numbers and the value rows, both ways.
        const string values = """
            SELECT format('report %s: value rows differ from version %s', r.org_unit_id, r.counted_version)
            FROM reports r
            JOIN report_versions v ON v.tenant_id = r.tenant_id AND v.org_unit_id = r.org_unit_id AND v.year = r.year AND v.version = r.counted_version
            WHERE r.tenant_id = @tenantId AND r.year = @year AND EXISTS (
                (SELECT e.key, e.value::text::numeric FROM jsonb_each(v.values) e WHERE jsonb_typeof(e.value) = 'number'
                 EXCEPT
                 SELECT rv.indicator, rv.value FROM report_values rv
                 WHERE rv.tenant_id = r.tenant_id AND rv.org_unit_id = r.org_unit_id AND rv.year = r.year AND rv.value IS NOT NULL)
                UNION ALL
                (SELECT rv.indicator, rv.value FROM report_values rv
                 WHERE rv.tenant_id = r.tenant_id AND rv.org_unit_id = r.org_unit_id AND rv.year = r.year AND rv.value IS NOT NULL
                 EXCEPT
                 SELECT e.key, e.value::text::numeric FROM jsonb_each(v.values) e WHERE jsonb_typeof(e.value) = 'number'))
            """;
        const string audit = """
            SELECT format('version %s of report %s has %s audit entries', v.version, v.org_unit_id, count(a.audit_id))
            FROM report_versions v
            LEFT JOIN audit_log a ON a.tenant_id = v.tenant_id AND a.org_unit_id = v.org_unit_id AND a.year = v.year
                 AND a.action = 'report.version-submitted' AND (a.details->>'version')::int = v.version
            WHERE v.tenant_id = @tenantId AND v.year = @year
            GROUP BY v.org_unit_id, v.version
            HAVING count(a.audit_id) <> 1
            """;
        const string strayAudit = """
            SELECT format('audit entry %s names version %s of report %s, which is not stored', a.audit_id, a.details->>'version', a.org_unit_id)
            FROM audit_log a
            WHERE a.tenant_id = @tenantId AND a.year = @year AND a.action = 'report.version-submitted'
              AND NOT EXISTS (SELECT 1 FROM report_versions v WHERE v.tenant_id = a.tenant_id AND v.org_unit_id = a.org_unit_id
                              AND v.year = a.year AND v.version = (a.details->>'version')::int)
            """;
        const string keys = """
            SELECT format('Idempotency-Key %s was claimed but no answer recorded', idempotency_key)
            FROM idempotency_keys WHERE tenant_id = @tenantId AND status_code IS NULL
            """;

        var found = new List<string>();
        await using var db = await tenantDb.BeginAsync(tenantId, CancellationToken.None);
        foreach (var sql in new[] { pointers, values, audit, strayAudit, keys })
            found.AddRange(await db.QueryAsync<string>(sql, new { tenantId, year }));
        await db.CommitAsync();
        return found;
    }
}
