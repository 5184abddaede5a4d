namespace Aggregator.Data;

/// <summary>
/// Told whenever what a (tenant, year)'s figures are computed from changes: a report version is stored, or
/// the org-unit tree changes. First inside the changing transaction (what it writes commits or rolls back
/// with the change), then once that transaction has committed. The rollups use it to mark (tenant, year)
/// dirty and to make sure one rollup job is queued.
/// </summary>
public interface IFiguresObserver
{
    /// <summary>Inside the changing transaction, after the change is written.</summary>
    Task OnFiguresChangingAsync(DbSession db, Guid tenantId, int year, CancellationToken ct);

    /// <summary>After the changing transaction committed.</summary>
    Task OnFiguresChangedAsync(Guid tenantId, int year, CancellationToken ct);
}
