namespace Aggregator.Jobs;

/// <summary>Aggregator:Jobs — where and how often background jobs run.</summary>
public sealed class JobsOptions
{
    public const string Section = "Aggregator:Jobs";

    /// <summary>Run the Hangfire server in this process (the API's default); false when a worker runs it.</summary>
    public bool RunServer { get; set; } = true;

    /// <summary>Workers of this process's Hangfire server.</summary>
    public int WorkerCount { get; set; } = Math.Clamp(Environment.ProcessorCount, 2, 8);

    /// <summary>
    /// Workers of this process for recomputes asked for over HTTP. They have their own queue so that one
    /// tenant's recomputes never hold up the rollups that follow report versions.
    /// </summary>
    public int RecomputeWorkerCount { get; set; } = 1;

    /// <summary>
    /// Workers of this process for the rollups of tenants that already have other years dirty or queued (a
    /// tenant posting many years at once). They have their own queue so that such a tenant holds at most
    /// about one of the <see cref="WorkerCount"/> workers and other tenants' rollups start at once.
    /// </summary>
    public int BulkWorkerCount { get; set; } = 1;

    /// <summary>
    /// Workers of this process for handing years up and polling the city's review of them. They have their own queue
    /// so that a slow or unreachable city, retried with back-off, never holds a worker the rollups need.
    /// </summary>
    public int UpstreamWorkerCount { get; set; } = 1;

    /// <summary>
    /// The fallback poll of the queue. New jobs wake the workers at once through LISTEN/NOTIFY
    /// (EnableLongPolling); the poll only covers a lost notification or a broken listener connection.
    /// </summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a job fetched by a worker that stopped heart-beating (killed, crashed, cut off) stays invisible
    /// before another worker takes it again. The invisibility slides: a live worker renews it every fifth of this,
    /// so a long rollup is never taken twice; a killed worker's job runs again within about this time.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a tenant's org-unit tree must stay unchanged before the rollups that follow its changes are queued:
    /// units created in a row cost one rollup per reported year (see Rollups.TreeChanges).
    /// </summary>
    public TimeSpan TreeChangeQuiet { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest those rollups wait after a tree's first change, however busy the tree stays.</summary>
    public TimeSpan TreeChangeMaxWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the server looks for delayed jobs that are due and recurring jobs whose time came (Hangfire's
    /// SchedulePollingInterval): a recurring job runs up to this late.
    /// </summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The least time between the end of a (tenant, year)'s rollup and the start of the next one that writes queued:
    /// while reports keep coming, the year is recomputed about once per this interval (plus a run's own time), not
    /// back to back, so that its recomputation does not take a core from the writers for the whole of a burst. The
    /// figures are stale at most that much longer. Requested recomputes and the sweep do not wait.
    /// </summary>
    public TimeSpan RollupSpacing { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cron of the sweep that recomputes whatever is still dirty and re-checks stored figures.</summary>
    public string SweepCron { get; set; } = "0 * * * *";
}
