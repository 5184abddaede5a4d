using Aggregator.Data;

namespace Aggregator.Api.Tests.Faults;

/// <summary>
/// An observer of the figures whose follow-up after a commit meets a real database fault when told to: its session is
/// ended under it (57P01, as a failover or a network cut does), right after the write committed.
/// </summary>
public sealed class FaultyFollowUp(TenantDb tenantDb) : IFiguresObserver
{
    private int _faults;
    private int _calls;

    /// <summary>Every follow-up from now on fails, retries included.</summary>
    public void FailAlways() => Volatile.Write(ref _faults, int.MaxValue);

    /// <summary>Follow-ups run since <see cref="FailAlways"/>, retries included.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public Task OnFiguresChangingAsync(DbSession db, Guid tenantId, int year, CancellationToken ct) => Task.CompletedTask;

    public async Task OnFiguresChangedAsync(Guid tenantId, int year, CancellationToken ct)
    {
        if (Volatile.Read(ref _faults) == 0) return;
        Interlocked.Increment(ref _calls);
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        await db.ExecuteAsync("SELECT pg_terminate_backend(pg_backend_pid())");
    }
}
