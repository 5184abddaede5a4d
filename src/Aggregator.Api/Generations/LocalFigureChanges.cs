using System.Diagnostics;
using Aggregator.Data;

namespace Aggregator.Api.Generations;

/// <summary>
/// After this replica commits a change of a year's figures, reads of the year go to the database until the year is read
/// anew after it (its announcement heard back, or a poll): the client that wrote reads its write at once, from this
/// replica as from the database.
/// </summary>
public sealed class LocalFigureChanges(FigureGenerations generations) : IFiguresObserver
{
    public Task OnFiguresChangingAsync(DbSession db, Guid tenantId, int year, CancellationToken ct) => Task.CompletedTask;

    public Task OnFiguresChangedAsync(Guid tenantId, int year, CancellationToken ct)
    {
        generations.Expect(tenantId, year, Stopwatch.GetTimestamp());
        return Task.CompletedTask;
    }
}
