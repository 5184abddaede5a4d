using Aggregator.Data;
using Hangfire;
using Hangfire.States;

namespace Aggregator.Jobs.Rollups;

/// <summary>
/// Marks (tenant, year) dirty inside each version's transaction and, after the commit, queues one rollup
/// job unless one is already queued. The job clears the claim when it starts, so versions stored during a
/// run queue exactly one follow-up: a burst of N versions costs a handful of runs, not N.
/// </summary>
public sealed class RollupTrigger(TenantDb tenantDb, IBackgroundJobClient jobs) : IFiguresObserver
{
    public const string Queue = "rollups";
    internal const string Claiming = "claiming";

    public Task OnFiguresChangingAsync(DbSession db, Guid tenantId, int year, CancellationToken ct)
    {
        // The row stays locked until the version commits; the job's claim waits for it (see RollupJob).
        const string sql = """
            INSERT INTO rollup_state AS s (tenant_id, year, dirty_generation, dirty_since)
            VALUES (@tenantId, @year, 1, now())
            ON CONFLICT (tenant_id, year) DO UPDATE
               SET dirty_generation = s.dirty_generation + 1,
                   dirty_since = coalesce(s.dirty_since, now())
            """;
        return db.ExecuteAsync(sql, new { tenantId, year });
    }

    public async Task OnFiguresChangedAsync(Guid tenantId, int year, CancellationToken ct) =>
        await EnsureQueuedAsync(tenantId, year, ct);

    /// <summary>Queues a rollup job for (tenant, year) unless one is queued; the queued job's id.</summary>
    public async Task<string?> EnsureQueuedAsync(Guid tenantId, int year, CancellationToken ct)
    {
        const string claim = """
            UPDATE rollup_state SET queued_job_id = @claiming, queued_at = now()
            WHERE tenant_id = @tenantId AND year = @year AND queued_job_id IS NULL
            RETURNING 1
            """;
        const string record = """
            UPDATE rollup_state SET queued_job_id = @jobId
            WHERE tenant_id = @tenantId AND year = @year AND queued_job_id = @claiming
            """;

        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            var claimed = await db.QuerySingleOrDefaultAsync<int?>(claim, new { tenantId, year, claiming = Claiming });
            await db.CommitAsync();
            if (claimed is null) return null;
        }

        var jobId = Enqueue(tenantId, year);
        // The job may already have started and cleared the claim; then there is nothing to record.
        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            await db.ExecuteAsync(record, new { tenantId, year, jobId, claiming = Claiming });
            await db.CommitAsync();
        }
        return jobId;
    }

    private string Enqueue(Guid tenantId, int year) =>
        jobs.Create<RollupJob>(job => job.ExecuteAsync(tenantId, year, false, CancellationToken.None), new EnqueuedState(Queue));
}
