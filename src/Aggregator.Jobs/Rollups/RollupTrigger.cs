using System.Collections.Concurrent;
using Aggregator.Data;
using Aggregator.Data.Resilience;
using Hangfire;
using Hangfire.States;

namespace Aggregator.Jobs.Rollups;

/// <summary>
/// Records a change of (tenant, year)'s figures inside each changing transaction (a row of its own in
/// figure_changes, announced on <see cref="FigureChanges.Channel"/>: no row every writer of the year waits on) and,
/// after the commit, queues one rollup job unless one is already queued. The job clears the claim when it starts, so versions stored during a
/// run queue exactly one follow-up: a burst of N versions costs a handful of runs, not N.
/// <para>
/// Fairness between tenants: a tenant that already has another year dirty or queued, or a job of this year
/// running, is busy, and its rollups go to an overflow queue (<see cref="BulkQueue"/>) served by workers of
/// their own. So a tenant posting many years at once, or many versions of a year whose rollup is long, holds
/// at most about one worker of <see cref="Queue"/>, and the single-year rollups of every other tenant start
/// at once instead of waiting behind its FIFO backlog. The lane is decided in the claim's statement from the
/// database, so every replica agrees without memory of its own; it only picks where the job waits, never
/// whether it runs, so a wrong guess costs latency, not figures.
/// </para>
/// <para>
/// The claim after a commit runs off the request's path, and this process runs the claims of one tenant-year one at a
/// time: a commit that comes while one runs asks for one more run after it, and any number of such commits share that
/// one. So a stream of writes to a year costs a claim transaction per claim's length, not one per write; and every
/// commit is still followed by a claim that starts after it, which is all the queued job needs.
/// </para>
/// </summary>
public sealed class RollupTrigger(TenantDb tenantDb, IBackgroundJobClient jobs, DatabaseRetry retry)
    : IFiguresObserver
{
    public const string Queue = "rollups";
    public const string BulkQueue = "rollups-bulk";
    internal const string Claiming = "claiming";

    /// <summary>Appends the change; writers of one year never wait on each other (see 0013_figure_changes.sql).</summary>
    public Task OnFiguresChangingAsync(DbSession db, Guid tenantId, int year, CancellationToken ct) =>
        FigureChanges.RecordAsync(db, tenantId, year, FigureChanges.Change);

    private readonly ConcurrentDictionary<(Guid Tenant, int Year), Claims> _claims = new();

    /// <summary>After the commit: a claim of the year starts after it (now, or after the one running), off the caller's path.</summary>
    public Task OnFiguresChangedAsync(Guid tenantId, int year, CancellationToken ct)
    {
        var claims = _claims.GetOrAdd((tenantId, year), _ => new Claims());
        if (!claims.Ask()) return Task.CompletedTask;
        // Not in the request's context: the claims outlive its answer and serve other commits too, so they are traced on
        // their own rather than as part of one request (whose trace would otherwise gain spans after it ended).
        using (ExecutionContext.SuppressFlow()) _ = Task.Run(() => ClaimWhileAskedAsync(tenantId, year, claims), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Claims until no commit asked for another claim meanwhile, each a guarded follow-up (<see cref="DatabaseRetry.RunFollowUpAsync"/>):
    /// one that still fails after its retries is logged and counted, and the recurring sweep queues the year's rollup then.
    /// </summary>
    private async Task ClaimWhileAskedAsync(Guid tenantId, int year, Claims claims)
    {
        do await retry.RunFollowUpAsync($"queuing the rollup of {tenantId}/{year}", ct => EnsureQueuedAsync(tenantId, year, ct));
        while (claims.AskedAgain());
    }

    /// <summary>One tenant-year's claims in this process: whether they run, and whether a commit asked for one more meanwhile.</summary>
    private sealed class Claims
    {
        private readonly Lock _gate = new();
        private bool _running;
        private bool _askedAgain;

        /// <summary>A commit asks for a claim after it: true when the caller starts the claims (none was running).</summary>
        public bool Ask()
        {
            lock (_gate)
            {
                if (_running)
                {
                    _askedAgain = true;
                    return false;
                }
                _running = true;
                return true;
            }
        }

        /// <summary>After a claim: true when a commit asked meanwhile (one more claim follows), false when the claims stop.</summary>
        public bool AskedAgain()
        {
            lock (_gate)
            {
                if (_askedAgain)
                {
                    _askedAgain = false;
                    return true;
                }
                _running = false;
                return false;
            }
        }
    }

    /// <summary>Queues a rollup job for (tenant, year) unless one is queued; the queued job's id.</summary>
    public async Task<string?> EnsureQueuedAsync(Guid tenantId, int year, CancellationToken ct)
    {
        // Busy: another year of the tenant is queued, or has changes not yet computed and is not failing (a year
        // whose job keeps failing would otherwise send every later rollup of its tenant to the overflow queue for
        // good); a running job of another year counts through its changes, which it deletes only when it stores.
        // Or a job of this very year holds or awaits its advisory lock: the follow-up would take a second
        // worker only to wait for the first. pg_locks rather than a column: a lock dies with its session.
        // The claim's row is created here, after the writer's commit, if the year has none yet: no writer touches it.
        // While a job is queued (for every write of a burst but the first) the statement inserts nothing and so locks
        // nothing: an ON CONFLICT that met the row would lock it until this commit's WAL flush even when its WHERE
        // fails, and those writers' follow-ups would queue one by one behind it. Skipping then is safe: the queued
        // job clears the claim when it starts and reads the changes after that, so it sees this commit, which came
        // before this statement.
        const string claim = $"""
            INSERT INTO rollup_state AS s (tenant_id, year, queued_job_id, queued_at)
            SELECT @tenantId, @year, @claiming, now()
            WHERE NOT EXISTS (SELECT 1 FROM rollup_state q WHERE q.tenant_id = @tenantId AND q.year = @year AND q.queued_job_id IS NOT NULL)
            ON CONFLICT (tenant_id, year) DO UPDATE SET queued_job_id = @claiming, queued_at = now()
            WHERE s.queued_job_id IS NULL
            RETURNING EXISTS (
                SELECT 1 FROM rollup_state o
                WHERE o.tenant_id = @tenantId AND o.year <> @year AND o.queued_job_id IS NOT NULL)
            OR EXISTS (
                SELECT 1 FROM figure_changes f
                WHERE f.tenant_id = @tenantId AND f.year <> @year AND f.kind <> 'deadline'
                  AND NOT EXISTS (SELECT 1 FROM rollup_state o
                                  WHERE o.tenant_id = f.tenant_id AND o.year = f.year AND o.last_error IS NOT NULL))
            OR EXISTS (
                SELECT 1 FROM pg_locks l
                WHERE l.locktype = 'advisory' AND l.objsubid = 2
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND l.classid = {Data.LockClass}::oid AND l.objid = {Data.LockKey}::oid)
            """;
        const string record = """
            UPDATE rollup_state SET queued_job_id = @jobId
            WHERE tenant_id = @tenantId AND year = @year AND queued_job_id = @claiming
            """;

        bool busy;
        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            var claimed = await db.QuerySingleOrDefaultAsync<bool?>(claim, new { tenantId, year, claiming = Claiming });
            await db.CommitAsync();
            if (claimed is not { } tenantBusy) return null;
            busy = tenantBusy;
        }

        var jobId = busy ? EnqueueBulk(tenantId, year) : Enqueue(tenantId, year);
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

    private string EnqueueBulk(Guid tenantId, int year) =>
        jobs.Create<RollupJob>(job => job.ExecuteBulkAsync(tenantId, year, CancellationToken.None), new EnqueuedState(BulkQueue));
}
