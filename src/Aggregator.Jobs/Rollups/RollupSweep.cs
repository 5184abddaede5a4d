using Aggregator.Data;
using Microsoft.Extensions.Logging;

namespace Aggregator.Jobs.Rollups;

/// <summary>
/// The recurring safety net: queues a rollup for every (tenant, year) whose figures are dirty, stale
/// against the versions stored, older than the org tree, or whose queued job was lost. The job itself skips
/// what turns out to be current.
/// </summary>
public sealed class RollupSweep(TenantDb tenantDb, RollupTrigger trigger, ILogger<RollupSweep> logger)
{
    public async Task ExecuteAsync(CancellationToken ct)
    {
        const string tenantsSql = "SELECT tenant_id FROM tenants";
        // A claim older than this never became a running job (the process died between claim and enqueue).
        const string releaseLostClaims = """
            UPDATE rollup_state SET queued_job_id = NULL, queued_at = NULL
            WHERE tenant_id = @tenantId AND queued_at < now() - interval '15 minutes'
            """;
        const string dueSql = """
            SELECT y.year FROM (
                SELECT DISTINCT year FROM reports WHERE tenant_id = @tenantId
                UNION SELECT year FROM rollup_state WHERE tenant_id = @tenantId
                UNION SELECT year FROM figure_changes WHERE tenant_id = @tenantId
            ) y
            LEFT JOIN rollup_state s ON s.tenant_id = @tenantId AND s.year = y.year
            WHERE s.computed_at IS NULL
               OR EXISTS (SELECT 1 FROM figure_changes f WHERE f.tenant_id = @tenantId AND f.year = y.year)
               OR EXISTS (SELECT 1 FROM report_versions v WHERE v.tenant_id = @tenantId AND v.year = y.year AND v.seq > coalesce(s.watermark, 0))
               OR EXISTS (SELECT 1 FROM org_units o WHERE o.tenant_id = @tenantId AND o.created_at > s.computed_at)
            ORDER BY y.year
            """;
        const string ensureState = """
            INSERT INTO rollup_state (tenant_id, year)
            SELECT @tenantId, year FROM unnest(@years) AS year
            ON CONFLICT (tenant_id, year) DO NOTHING
            """;

        List<Guid> tenants;
        await using (var platform = await tenantDb.BeginPlatformAsync(ct))
        {
            tenants = (await platform.QueryAsync<Guid>(tenantsSql)).ToList();
            await platform.CommitAsync();
        }

        var queued = 0;
        foreach (var tenantId in tenants)
        {
            int[] due;
            await using (var db = await tenantDb.BeginAsync(tenantId, ct))
            {
                await db.ExecuteAsync(releaseLostClaims, new { tenantId });
                due = (await db.QueryAsync<int>(dueSql, new { tenantId })).ToArray();
                await db.ExecuteAsync(ensureState, new { tenantId, years = due });
                await db.CommitAsync();
            }

            foreach (var year in due)
            {
                if (await trigger.EnsureQueuedAsync(tenantId, year, ct) is not null) queued++;
            }
        }
        logger.LogInformation("Rollup sweep: {Tenants} tenants, {Queued} rollups queued", tenants.Count, queued);
    }
}
