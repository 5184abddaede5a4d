using Aggregator.Data;

namespace Aggregator.Api.Features.Jobs;

/// <summary>
/// The ids clients see for background jobs. Hangfire numbers its jobs with one sequence for all tenants, which
/// would tell a client how busy the others are; clients get a random id instead (job_handles), one per Hangfire job
/// and tenant, and GET /api/v1/jobs/{id} maps it back.
/// </summary>
public static class JobHandles
{
    /// <summary>The client's id of a Hangfire job of the tenant: made on first use, the same one afterwards.</summary>
    public static async Task<string> ForAsync(TenantDb tenantDb, Guid tenantId, string hangfireJobId, CancellationToken ct)
    {
        const string sql = """
            WITH made AS (
                INSERT INTO job_handles (tenant_id, hangfire_job_id) VALUES (@tenantId, @hangfireJobId)
                ON CONFLICT (tenant_id, hangfire_job_id) DO NOTHING
                RETURNING job_id
            )
            SELECT job_id FROM made
            UNION ALL
            SELECT job_id FROM job_handles WHERE tenant_id = @tenantId AND hangfire_job_id = @hangfireJobId
            LIMIT 1
            """;
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var jobId = await db.QuerySingleOrDefaultAsync<Guid?>(sql, new { tenantId, hangfireJobId });
        await db.CommitAsync();
        // Two requests making the same job's handle at once: the one that lost the insert reads the winner's row,
        // which its statement's snapshot may not show yet.
        return (jobId ?? await ExistingAsync(tenantDb, tenantId, hangfireJobId, ct)).ToString("N");
    }

    private static async Task<Guid> ExistingAsync(TenantDb tenantDb, Guid tenantId, string hangfireJobId, CancellationToken ct)
    {
        const string sql = "SELECT job_id FROM job_handles WHERE tenant_id = @tenantId AND hangfire_job_id = @hangfireJobId";
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var jobId = await db.QuerySingleAsync<Guid>(sql, new { tenantId, hangfireJobId });
        await db.CommitAsync();
        return jobId;
    }

    /// <summary>
    /// The tenant and Hangfire job behind a client's id, or null when there is none the caller may know of: a key
    /// finds only its own tenant's jobs; the platform admin (<paramref name="tenantId"/> null) any one it names.
    /// </summary>
    public static async Task<(Guid TenantId, string HangfireJobId)?> FindAsync(TenantDb tenantDb, Guid? tenantId, string id, CancellationToken ct)
    {
        if (!TryParse(id, out var jobId)) return null;
        const string ofTenant = """
            SELECT tenant_id AS TenantId, hangfire_job_id AS HangfireJobId FROM job_handles WHERE tenant_id = @tenantId AND job_id = @jobId
            """;
        // The job-lookup policy shows this transaction the one handle it names, whichever tenant's it is.
        const string anyTenant = """
            SELECT tenant_id AS TenantId, hangfire_job_id AS HangfireJobId FROM job_handles WHERE job_id = @jobId
            """;
        await using var db = tenantId is { } tenant ? await tenantDb.BeginAsync(tenant, ct) : await tenantDb.BeginJobLookupAsync(jobId, ct);
        var row = await db.QuerySingleOrDefaultAsync<Row>(tenantId is null ? anyTenant : ofTenant, new { jobId, tenantId });
        await db.CommitAsync();
        return row is null ? null : (row.TenantId, row.HangfireJobId);
    }

    /// <summary>Ids are written as 32 hex digits; anything else names no job.</summary>
    public static bool TryParse(string id, out Guid jobId) => Guid.TryParseExact(id, "N", out jobId);

    private sealed record Row(Guid TenantId, string HangfireJobId);
}
