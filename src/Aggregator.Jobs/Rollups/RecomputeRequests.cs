using Aggregator.Data;
using Hangfire;
using Hangfire.States;

namespace Aggregator.Jobs.Rollups;

/// <summary>
/// Recomputes asked for over HTTP: at most one queued per (tenant, year), whatever the number of requests and
/// replicas, and run on a queue of their own (<see cref="RollupJob.RecomputeAsync"/>) by workers of their own,
/// so that however many a tenant asks for, the rollups that follow new report versions never wait behind them.
/// </summary>
public sealed class RecomputeRequests(TenantDb tenantDb, IBackgroundJobClient jobs, JobStorage storage)
{
    public const string Queue = "recomputes";

    /// <summary>
    /// Queues a recompute unless one for (tenant, year) is still waiting to run, whose id is then
    /// returned instead. Replicas agree through the rollup_state row: the request that swaps the claim it saw
    /// for a placeholder of its own (compare-and-set) queues the job and records its id; the others wait for
    /// that id. No transaction stays open while Hangfire is called. The job clears the claim when it starts:
    /// a request made after that queues a new one (the running job may have read its sources already).
    /// </summary>
    public async Task<string> EnsureQueuedAsync(Guid tenantId, int year)
    {
        // Within this process, one request at a time per stripe of (tenant, year): a flood of requests waits
        // here instead of holding pooled connections that the request queuing the job needs. The database
        // claim below is what makes it safe across replicas.
        var gate = Gates[(int)((uint)HashCode.Combine(tenantId, year) % (uint)Gates.Length)];
        await gate.WaitAsync();
        try
        {
            return await ClaimAsync(tenantId, year);
        }
        finally
        {
            gate.Release();
        }
    }

    private static readonly SemaphoreSlim[] Gates = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    private async Task<string> ClaimAsync(Guid tenantId, int year)
    {
        const string read = """
            SELECT recompute_job_id AS JobId, extract(epoch FROM now() - recompute_queued_at)::float8 AS AgeSeconds
            FROM rollup_state WHERE tenant_id = @tenantId AND year = @year
            """;
        const string claim = """
            INSERT INTO rollup_state AS s (tenant_id, year, recompute_job_id, recompute_queued_at)
            VALUES (@tenantId, @year, @placeholder, now())
            ON CONFLICT (tenant_id, year) DO UPDATE SET recompute_job_id = @placeholder, recompute_queued_at = now()
            WHERE s.recompute_job_id IS NOT DISTINCT FROM @seen
            RETURNING 1
            """;
        const string record = """
            UPDATE rollup_state SET recompute_job_id = @jobId
            WHERE tenant_id = @tenantId AND year = @year AND recompute_job_id = @placeholder
            """;

        // Not the request's token: once the job is created, its claim must be recorded even if the client hangs up.
        var ct = CancellationToken.None;
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var seen = await InTransactionAsync(tenantId, db => db.QuerySingleOrDefaultAsync<ClaimRow>(read, new { tenantId, year }), ct);
            if (seen?.JobId is { } queued)
            {
                if (!queued.StartsWith(RollupTrigger.Claiming, StringComparison.Ordinal))
                {
                    // A claim younger than a minute is trusted; an older one is checked against Hangfire, as its
                    // job may have been deleted or have expired without ever starting.
                    if (seen.AgeSeconds < 60 || IsWaiting(queued)) return queued;
                }
                else if (seen.AgeSeconds < 10)
                {
                    // Another replica is queuing the job right now: its id follows within milliseconds.
                    await Task.Delay(TimeSpan.FromMilliseconds(10), ct);
                    continue;
                }
            }

            var placeholder = $"{RollupTrigger.Claiming}:{Guid.NewGuid():N}";
            var claimed = await InTransactionAsync(tenantId,
                db => db.QuerySingleOrDefaultAsync<int?>(claim, new { tenantId, year, placeholder, seen = seen?.JobId }), ct);
            if (claimed is null) continue;

            var jobId = jobs.Create<RollupJob>(job => job.RecomputeAsync(tenantId, year, CancellationToken.None), new EnqueuedState(Queue));
            // The job may already have started and cleared the claim; then there is nothing to record.
            await InTransactionAsync(tenantId, db => db.ExecuteAsync(record, new { tenantId, year, jobId, placeholder }), ct);
            return jobId;
        }
        throw new InvalidOperationException($"No recompute of {year} could be queued: its claim kept changing.");
    }

    private sealed record ClaimRow(string? JobId, double? AgeSeconds);

    private async Task<T> InTransactionAsync<T>(Guid tenantId, Func<DbSession, Task<T>> work, CancellationToken ct)
    {
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var result = await work(db);
        await db.CommitAsync();
        return result;
    }

    private static readonly string[] WaitingStates =
        [EnqueuedState.StateName, ScheduledState.StateName, AwaitingState.StateName, ProcessingState.StateName];

    /// <summary>False for a claimed job that will not run: deleted, finished without clearing it, or expired.</summary>
    private bool IsWaiting(string jobId)
    {
        using var connection = storage.GetConnection();
        return connection.GetStateData(jobId)?.Name is { } state && WaitingStates.Contains(state);
    }
}
