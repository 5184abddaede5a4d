using System.Threading.Channels;
using Aggregator.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aggregator.Jobs;

/// <summary>
/// Announces on <see cref="FigureChanges.Channel"/> the years whose figures this process changed, after their commits:
/// the years of every commit in the last <see cref="Gather"/> go in one statement of its own (<see cref="FigureChanges.AnnounceSql"/>).
/// Writers themselves do not NOTIFY, because PostgreSQL serializes the commits of notifying transactions; this way
/// one short transaction per gathering notifies, off every request's path. An announcement that fails is tried
/// again; one lost with the process is caught up by each replica's poll (at most
/// <c>Aggregator:Figures:PollInterval</c> late).
/// </summary>
public sealed class FigureAnnouncer(NpgsqlDataSource dataSource, ILogger<FigureAnnouncer> logger) : BackgroundService, IFiguresObserver
{
    /// <summary>How long the first change waits for others to go with it: a burst of writes costs a few announcements.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private HashSet<(Guid Tenant, int Year)> _pending = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public Task OnFiguresChangingAsync(DbSession db, Guid tenantId, int year, CancellationToken ct) => Task.CompletedTask;

    public Task OnFiguresChangedAsync(Guid tenantId, int year, CancellationToken ct)
    {
        Announce(tenantId, year);
        return Task.CompletedTask;
    }

    /// <summary>After a commit that changed the year's figures (or its completeness): announced within about <see cref="Gather"/>.</summary>
    public void Announce(Guid tenantId, int year)
    {
        lock (_gate) _pending.Add((tenantId, year));
        _wake.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = TimeSpan.Zero;
        try
        {
            while (true)
            {
                await _wake.Reader.ReadAsync(stoppingToken);
                await Task.Delay(retry > TimeSpan.Zero ? retry : Gather, stoppingToken);
                retry = await SendAsync(stoppingToken) ? TimeSpan.Zero : NextRetry(retry);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still gathered goes now, or the other replicas' polls catch up with it.
            using var last = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await SendAsync(last.Token);
        }
    }

    private static TimeSpan NextRetry(TimeSpan retry) =>
        retry == TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : retry * 2 < LongestRetry ? retry * 2 : LongestRetry;

    /// <summary>Sends what is gathered; false (and kept for the next try) if it could not.</summary>
    private async Task<bool> SendAsync(CancellationToken ct)
    {
        HashSet<(Guid Tenant, int Year)> batch;
        lock (_gate)
        {
            if (_pending.Count == 0) return true;
            (batch, _pending) = (_pending, []);
        }
        try
        {
            await using var command = dataSource.CreateCommand(FigureChanges.AnnounceSql);
            command.Parameters.AddWithValue("tenants", batch.Select(key => key.Tenant).ToArray());
            command.Parameters.AddWithValue("years", batch.Select(key => key.Year).ToArray());
            await command.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (Exception error)
        {
            // Whatever went wrong, the years are kept for the next try: a background service that threw would stop the host.
            lock (_gate) _pending.UnionWith(batch);
            _wake.Writer.TryWrite(true);
            logger.LogWarning(error, "Figure changes of {Years} year(s) not announced yet; trying again (replicas' polls catch up meanwhile).", batch.Count);
            return false;
        }
    }
}
