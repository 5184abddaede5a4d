using Aggregator.Data;

namespace Aggregator.Jobs.Upstream;

/// <summary>A tenant's link to its upstream tenant; the key as stored (encrypted).</summary>
public sealed record UpstreamLink(string? Url, string Tenant, string OrgUnit, string KeyPrefix, string KeyProtected, string LinkedBy, DateTime LinkedAt);

/// <summary>The year's consolidated figures of the tenant's root as stored, and how complete they are.</summary>
public sealed class RootFigures
{
    public long OrgUnitId { get; init; }
    public string OrgUnit { get; init; } = "";
    public string TenantCode { get; init; } = "";
    public string TenantName { get; init; } = "";
    /// <summary>The dirty generation the stored figures include (null: none computed yet).</summary>
    public long? Generation { get; init; }
    public DateTime? ComputedAt { get; init; }
    public string? Template { get; init; }
    /// <summary>A rollup is pending: versions were stored or reviewed that the figures do not include yet.</summary>
    public bool Stale { get; init; }
    public bool AnyReport { get; init; }
    public int Expected { get; init; }
    public int Counted { get; init; }
    public string[] Missing { get; init; } = [];
    public string[] AwaitingReview { get; init; } = [];

    public bool Complete => Missing.Length == 0 && AwaitingReview.Length == 0;
}

/// <summary>One hand-up of a year, as asked and as it went.</summary>
public sealed record UpstreamSubmission(
    Guid SubmissionId, int Year, long Generation, bool AllowIncomplete, string? Reason, string ApiKeyId, DateTime RequestedAt,
    string State, string? UpstreamUrl, string? UpstreamTenant, string? UpstreamOrgUnit, int? UpstreamVersion, DateTime? SubmittedAt,
    string? Error, string? StatusSeen);

/// <summary>The SQL of the upstream link and hand-ups; every statement inside the tenant's transaction.</summary>
public static class UpstreamData
{
    public static Task<UpstreamLink?> LinkAsync(DbSession db) =>
        db.QuerySingleOrDefaultAsync<UpstreamLink>("""
            SELECT url AS Url, upstream_tenant AS Tenant, upstream_org_unit AS OrgUnit, key_prefix AS KeyPrefix,
                   key_protected AS KeyProtected, linked_by AS LinkedBy, linked_at AS LinkedAt
            FROM upstream_links WHERE tenant_id = @tenantId
            """, new { tenantId = db.Tenant });

    public static Task SaveLinkAsync(DbSession db, string? url, string tenant, string orgUnit, string keyPrefix, string keyProtected, string linkedBy) =>
        db.ExecuteAsync("""
            INSERT INTO upstream_links (tenant_id, url, upstream_tenant, upstream_org_unit, key_prefix, key_protected, linked_by)
            VALUES (@tenantId, @url, @tenant, @orgUnit, @keyPrefix, @keyProtected, @linkedBy)
            ON CONFLICT (tenant_id) DO UPDATE
               SET url = excluded.url, upstream_tenant = excluded.upstream_tenant, upstream_org_unit = excluded.upstream_org_unit,
                   key_prefix = excluded.key_prefix, key_protected = excluded.key_protected, linked_by = excluded.linked_by, linked_at = now()
            """, new { tenantId = db.Tenant, url, tenant, orgUnit, keyPrefix, keyProtected, linkedBy });

    public static Task<int> DeleteLinkAsync(DbSession db) =>
        db.ExecuteAsync("DELETE FROM upstream_links WHERE tenant_id = @tenantId", new { tenantId = db.Tenant });

    /// <summary>The root's stored figures for the year: generation, staleness (as every figure read judges it) and completeness.</summary>
    public static Task<RootFigures> RootFiguresAsync(DbSession db, int year) =>
        db.QuerySingleAsync<RootFigures>("""
            SELECT o.org_unit_id AS OrgUnitId, o.code AS OrgUnit, t.code AS TenantCode, t.name AS TenantName,
                   s.figures_generation AS Generation, s.computed_at AS ComputedAt, s.template AS Template,
                   coalesce(s.computed_at IS NULL
                            OR EXISTS (SELECT 1 FROM figure_changes f WHERE f.tenant_id = s.tenant_id AND f.year = s.year AND f.kind <> 'deadline')
                            OR EXISTS (SELECT 1 FROM report_versions v WHERE v.tenant_id = s.tenant_id AND v.year = s.year
                                                                        AND v.seq > coalesce(s.watermark, 0)), false) AS Stale,
                   EXISTS (SELECT 1 FROM reports r WHERE r.tenant_id = t.tenant_id AND r.year = @year) AS AnyReport,
                   coalesce(c.expected, 0) AS Expected, coalesce(c.reported, 0) AS Counted,
                   coalesce(c.missing, ARRAY[]::text[]) AS Missing, coalesce(c.awaiting_review, ARRAY[]::text[]) AS AwaitingReview
            FROM tenants t
            JOIN org_units o ON o.tenant_id = t.tenant_id AND o.parent_id IS NULL
            LEFT JOIN rollup_state s ON s.tenant_id = t.tenant_id AND s.year = @year
            LEFT JOIN rollup_completeness c ON c.tenant_id = t.tenant_id AND c.year = @year AND c.org_unit_id = o.org_unit_id
            WHERE t.tenant_id = @tenantId
            """, new { tenantId = db.Tenant, year });

    /// <summary>The root's stored sums for the year, indicator → value (null: no unit gave one).</summary>
    public static async Task<Dictionary<string, decimal?>> RootValuesAsync(DbSession db, int year, long orgUnitId)
    {
        var rows = await db.QueryAsync<(string Indicator, decimal? Value)>(
            "SELECT indicator AS Indicator, value AS Value FROM rollup_values WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId",
            new { tenantId = db.Tenant, year, orgUnitId });
        return rows.ToDictionary(row => row.Indicator, row => row.Value, StringComparer.Ordinal);
    }

    public static Task InsertSubmissionAsync(DbSession db, Guid submissionId, int year, long generation, bool allowIncomplete, string? reason, string apiKeyId) =>
        db.ExecuteAsync("""
            INSERT INTO upstream_submissions (tenant_id, submission_id, year, generation, allow_incomplete, reason, api_key_id)
            VALUES (@tenantId, @submissionId, @year, @generation, @allowIncomplete, @reason, @apiKeyId)
            """, new { tenantId = db.Tenant, submissionId, year, generation, allowIncomplete, reason, apiKeyId });

    private const string SubmissionColumns = """
        submission_id AS SubmissionId, year AS Year, generation AS Generation, allow_incomplete AS AllowIncomplete, reason AS Reason,
        api_key_id AS ApiKeyId, requested_at AS RequestedAt, state AS State, upstream_url AS UpstreamUrl, upstream_tenant AS UpstreamTenant,
        upstream_org_unit AS UpstreamOrgUnit, upstream_version AS UpstreamVersion, submitted_at AS SubmittedAt, error AS Error,
        status_seen AS StatusSeen
        """;

    public static Task<UpstreamSubmission?> SubmissionAsync(DbSession db, Guid submissionId) =>
        db.QuerySingleOrDefaultAsync<UpstreamSubmission>(
            $"SELECT {SubmissionColumns} FROM upstream_submissions WHERE tenant_id = @tenantId AND submission_id = @submissionId",
            new { tenantId = db.Tenant, submissionId });

    /// <summary>The newest hand-up of the year that reached upstream (submitted or unchanged), and the newest of all.</summary>
    public static async Task<(UpstreamSubmission? Delivered, UpstreamSubmission? Latest)> LatestAsync(DbSession db, int year)
    {
        var rows = (await db.QueryAsync<UpstreamSubmission>($"""
            (SELECT {SubmissionColumns} FROM upstream_submissions
             WHERE tenant_id = @tenantId AND year = @year AND state IN ('submitted', 'unchanged')
             ORDER BY requested_at DESC LIMIT 1)
            UNION ALL
            (SELECT {SubmissionColumns} FROM upstream_submissions
             WHERE tenant_id = @tenantId AND year = @year ORDER BY requested_at DESC LIMIT 1)
            """, new { tenantId = db.Tenant, year })).ToList();
        var delivered = rows.FirstOrDefault(row => row.State is "submitted" or "unchanged");
        return (delivered, rows.LastOrDefault());
    }

    /// <summary>
    /// Per year, the newest hand-up that reached upstream, where upstream's review was last seen as submitted (or never read):
    /// what <see cref="UpstreamStatusPoll"/> asks upstream about.
    /// </summary>
    public static async Task<List<UpstreamSubmission>> AwaitingReviewAsync(DbSession db) =>
        (await db.QueryAsync<UpstreamSubmission>($"""
            SELECT {SubmissionColumns} FROM (
                SELECT DISTINCT ON (year) * FROM upstream_submissions
                WHERE tenant_id = @tenantId AND state IN ('submitted', 'unchanged') AND upstream_version IS NOT NULL
                ORDER BY year, requested_at DESC) newest
            WHERE status_seen IS NULL OR status_seen = 'submitted'
            ORDER BY year
            """, new { tenantId = db.Tenant })).ToList();

    public static Task FinishAsync(DbSession db, Guid submissionId, string state, string? url, string tenant, string orgUnit, int? version,
        DateTimeOffset? submittedAt, string? error, string? statusSeen) =>
        db.ExecuteAsync("""
            UPDATE upstream_submissions
               SET state = @state, upstream_url = @url, upstream_tenant = @tenant, upstream_org_unit = @orgUnit, upstream_version = @version,
                   submitted_at = @submittedAt, error = @error, status_seen = @statusSeen
            WHERE tenant_id = @tenantId AND submission_id = @submissionId
            """, new { tenantId = db.Tenant, submissionId, state, url, tenant, orgUnit, version, submittedAt, error, statusSeen });

    /// <summary>Records the upstream status last seen; true when it changed (so the change is audited once).</summary>
    public static async Task<bool> SeeStatusAsync(DbSession db, Guid submissionId, string status) =>
        await db.ExecuteAsync("""
            UPDATE upstream_submissions SET status_seen = @status
            WHERE tenant_id = @tenantId AND submission_id = @submissionId AND status_seen IS DISTINCT FROM @status
            """, new { tenantId = db.Tenant, submissionId, status }) == 1;

    public static Task AuditAsync(DbSession db, string actor, string action, int year, object details) =>
        db.ExecuteAsync("""
            INSERT INTO audit_log (tenant_id, actor, action, subject, year, details)
            VALUES (@tenantId, @actor, @action, @subject, @year, @details::jsonb)
            """, new { tenantId = db.Tenant, actor, action, subject = $"upstream/{year}", year,
                       details = System.Text.Json.JsonSerializer.Serialize(details, System.Text.Json.JsonSerializerOptions.Web) });
}
