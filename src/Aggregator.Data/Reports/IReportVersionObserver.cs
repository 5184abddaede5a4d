namespace Aggregator.Data.Reports;

/// <summary>
/// Told about every report version the API stores: first inside the storing transaction (so that what it
/// writes commits or rolls back with the version), then once the transaction has committed.
/// The rollups use it to mark (tenant, year) dirty and to make sure a rollup job is queued.
/// </summary>
public interface IReportVersionObserver
{
    /// <summary>Inside the version's transaction, after the version is written.</summary>
    Task OnVersionStoringAsync(DbSession db, Guid tenantId, int year, CancellationToken ct);

    /// <summary>After the version's transaction committed.</summary>
    Task OnVersionStoredAsync(Guid tenantId, int year, CancellationToken ct);
}
