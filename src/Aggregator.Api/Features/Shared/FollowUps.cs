using Aggregator.Data;
using Aggregator.Data.Resilience;

namespace Aggregator.Api.Features.Shared;

/// <summary>
/// What every write that changes figures does beside its rows: inside its transaction, the observers mark the years
/// changing (<see cref="MarkChangingAsync"/>); after its COMMIT, the one guarded path for what follows (queuing the
/// rollup: <see cref="FiguresChangedAsync"/>), each run by <see cref="DatabaseRetry.RunFollowUpAsync"/>: retried after a
/// transient fault, and if it still fails logged and counted, never thrown: the write is committed, its answer says so,
/// and the recurring sweep recomputes whatever is still dirty.
/// </summary>
public sealed class FollowUps(IEnumerable<IFiguresObserver> observers, DatabaseRetry retry,
    Generations.FigureGenerations generations, Aggregator.Jobs.FigureAnnouncer announcer)
{
    /// <summary>Inside the write's transaction: the years' figures are changing.</summary>
    public async Task MarkChangingAsync(DbSession db, Guid tenantId, IEnumerable<int> years, CancellationToken ct)
    {
        foreach (var year in years.Distinct())
            foreach (var observer in observers)
                await observer.OnFiguresChangingAsync(db, tenantId, year, ct);
    }

    /// <summary>After the COMMIT: tells the observers, each year once, and never fails.</summary>
    public async Task FiguresChangedAsync(Guid tenantId, IEnumerable<int> years)
    {
        foreach (var year in years.Distinct())
            foreach (var observer in observers)
                await retry.RunFollowUpAsync($"{observer.GetType().Name} {year}", ct => observer.OnFiguresChangedAsync(tenantId, year, ct));
    }

    /// <summary>
    /// After the COMMIT of a change whose rollups wait (an org unit, queued by TreeChanges once the tree is quiet) or
    /// need none (a deadline): the years' new generations are expected here and announced to every replica at once,
    /// without queuing anything. Never fails: it only notes them in memory.
    /// </summary>
    public void Announce(Guid tenantId, IEnumerable<int> years)
    {
        foreach (var year in years.Distinct())
        {
            generations.Expect(tenantId, year, System.Diagnostics.Stopwatch.GetTimestamp());
            announcer.Announce(tenantId, year);
        }
    }
}
