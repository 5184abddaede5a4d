using Aggregator.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aggregator.Jobs.Rollups;

/// <summary>
/// The follow-up of org-unit changes, coalesced per tenant. A new unit changes every reported year's completeness,
/// so each creation marks those years dirty inside its own transaction (the observers' first step); telling the
/// observers afterwards — which queues one rollup per year — waits here until the tenant's tree has been quiet for
/// <see cref="JobsOptions.TreeChangeQuiet"/> (at most <see cref="JobsOptions.TreeChangeMaxWait"/> after the first
/// change). So 50 units created in a row queue one rollup per reported year, not 50.
/// <para>
/// Held in this process's memory: a process that stops before the wait ends leaves the years dirty, and the
/// recurring sweep queues their rollups. Nothing is lost, only later.
/// </para>
/// </summary>
public sealed class TreeChanges(IEnumerable<IFiguresObserver> observers, IOptions<JobsOptions> options, TimeProvider time,
    ILogger<TreeChanges> logger) : BackgroundService
{
    private sealed class Pending(DateTimeOffset first)
    {
        public DateTimeOffset First { get; } = first;
        public DateTimeOffset Last { get; set; } = first;
        public HashSet<int> Years { get; } = [];
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Pending> _pending = [];
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>After the change committed: the observers hear of these years once the tenant's tree is quiet.</summary>
    public void Changed(Guid tenantId, IEnumerable<int> years)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (!_pending.TryGetValue(tenantId, out var pending)) _pending[tenantId] = pending = new Pending(now);
            pending.Last = now;
            pending.Years.UnionWith(years);
            _wake.TrySetResult();
        }
    }

    /// <summary>Tenants with changes waiting (tests).</summary>
    internal int Waiting { get { lock (_gate) return _pending.Count; } }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Task wake;
            List<(Guid Tenant, int[] Years)> due;
            TimeSpan wait;
            lock (_gate)
            {
                if (_wake.Task.IsCompleted) _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
                wake = _wake.Task;
                (due, wait) = TakeDue(time.GetUtcNow());
            }

            foreach (var (tenant, years) in due) await TellAsync(tenant, years, stoppingToken);
            if (due.Count > 0) continue;
            try { await Task.WhenAny(wake, Task.Delay(wait, time, stoppingToken)); }
            catch (OperationCanceledException) { break; }
        }

        // Stopping: what still waits is told now rather than left to the sweep.
        List<(Guid Tenant, int[] Years)> left;
        lock (_gate)
        {
            left = _pending.Select(pair => (pair.Key, pair.Value.Years.Order().ToArray())).ToList();
            _pending.Clear();
        }
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        foreach (var (tenant, years) in left) await TellAsync(tenant, years, grace.Token);
    }

    private (List<(Guid, int[])> Due, TimeSpan Wait) TakeDue(DateTimeOffset now)
    {
        var quiet = options.Value.TreeChangeQuiet;
        var maxWait = options.Value.TreeChangeMaxWait;
        var due = new List<(Guid, int[])>();
        var next = TimeSpan.FromMinutes(1);
        foreach (var (tenant, pending) in _pending.ToList())
        {
            var at = pending.Last + quiet < pending.First + maxWait ? pending.Last + quiet : pending.First + maxWait;
            if (at <= now)
            {
                _pending.Remove(tenant);
                due.Add((tenant, pending.Years.Order().ToArray()));
            }
            else if (at - now < next) next = at - now;
        }
        return (due, next);
    }

    private async Task TellAsync(Guid tenantId, int[] years, CancellationToken ct)
    {
        foreach (var year in years)
        {
            foreach (var observer in observers)
            {
                try { await observer.OnFiguresChangedAsync(tenantId, year, ct); }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // The year stays dirty: the recurring sweep queues its rollup.
                    logger.LogWarning(ex, "Org units of {Tenant} changed, and the follow-up of {Year} failed; the sweep will pick it up", tenantId, year);
                }
            }
        }
    }
}
