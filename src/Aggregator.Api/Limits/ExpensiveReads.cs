using System.Globalization;
using System.Threading.RateLimiting;
using Aggregator.Api.Errors;
using Microsoft.Extensions.Options;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Limits;

/// <summary>
/// The reads that cost the database and the process far more than a stored figure — quality (computed on request
/// from every counted report below a unit), the .xlsx/.csv downloads and tables of more than <see cref="TableCells"/>
/// cells — run at most <see cref="RateLimitOptions.ExpensiveConcurrency"/> at a time per tenant, whoever of its keys
/// asks, so that one tenant's dashboards cannot take another tenant's share of the shared database. One more is
/// answered at once (no queue: a waiting request would hold a connection and a thread for nothing) with 429
/// <c>/problems/too-many-expensive-reads</c> and Retry-After. A slot is held until the answer starts, or the request
/// ends, whichever comes first: whether it answered, failed or the client went away (given back by the request, not
/// by the handler's last line); a request the resilience middleware runs again keeps the slot it holds.
/// </summary>
public sealed class ExpensiveReads : IDisposable
{
    /// <summary>A table read (units × indicators) beyond this many cells is an expensive read.</summary>
    public const int TableCells = 1_000;

    /// <summary>Seconds a refused read is told to wait: the reads it waits for take well under a second each.</summary>
    public const int RetryAfterSeconds = 1;

    private static readonly object HeldSlot = new();
    private readonly PartitionedRateLimiter<Guid> _limiter;
    private readonly int _concurrency;

    public ExpensiveReads(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        // Off with the general limit too: 0 turns every limit off.
        _concurrency = limits.PermitsPerMinute == 0 ? 0 : limits.ExpensiveConcurrency;
        _limiter = PartitionedRateLimiter.Create<Guid, Guid>(tenant => _concurrency == 0
            ? RateLimitPartition.GetNoLimiter(tenant)
            : RateLimitPartition.GetConcurrencyLimiter(tenant, _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = _concurrency,
                QueueLimit = 0,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
    }

    /// <summary>A slot of the tenant's, if one is free (<see cref="RateLimitLease.IsAcquired"/>); dispose it to give it back.</summary>
    public RateLimitLease Acquire(Guid tenantId) => _limiter.AttemptAcquire(tenantId);

    /// <summary>
    /// Takes a slot of the tenant's for this request, until the request ends; or answers 429 and returns false, and
    /// the endpoint then returns without an answer of its own.
    /// </summary>
    public async Task<bool> TryEnterAsync(HttpContext context, Guid tenantId)
    {
        if (context.Items.ContainsKey(HeldSlot)) return true;
        var lease = Acquire(tenantId);
        if (lease.IsAcquired)
        {
            var slot = new Slot(lease);
            context.Items[HeldSlot] = slot;
            // Given back as the answer starts (the work is done and its bytes are ready), so that a client reading page
            // after page never finds its own last read still holding the slot; and, whatever happened before (a
            // failure, a client gone away), when the request ends.
            context.Response.OnStarting(() =>
            {
                slot.Dispose();
                return Task.CompletedTask;
            });
            context.Response.RegisterForDispose(slot);
            return true;
        }
        lease.Dispose();
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await ProblemWriter.WriteAsync(context, StatusCodes.Status429TooManyRequests,
            ProblemText.TooManyExpensiveReads(TableCells, _concurrency, RetryAfterSeconds),
            type: ProblemTypes.TooManyExpensiveReads);
        return false;
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>A taken slot, given back once however many of its ends come.</summary>
    private sealed class Slot(RateLimitLease lease) : IDisposable
    {
        private RateLimitLease? _lease = lease;

        public void Dispose() => Interlocked.Exchange(ref _lease, null)?.Dispose();
    }
}

/// <summary>Endpoint metadata: the endpoint is an expensive read (<see cref="ExpensiveReads"/>), for its 429 in the OpenAPI document.</summary>
public sealed record ExpensiveRead(string When);
