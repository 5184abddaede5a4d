using Aggregator.Data;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace Aggregator.Jobs.Upstream;

/// <summary>
/// The recurring look upstream (Aggregator:Upstream:StatusPollCron): for every tenant, the newest hand-up of each year that
/// upstream has not reviewed yet (as last seen) is read there, and an acceptance or a return, with its comment, goes to
/// the tenant's audit once — so a district learns of a return without anyone opening GET …/upstream/{year}.
/// A recurring sweep rather than a re-check each hand-up schedules for itself: it needs no chain of delayed jobs that a
/// lost job or a restart would break, it also covers hand-ups made before it existed, and a city that takes weeks to
/// review costs one read per run, not a growing pile of scheduled jobs. One tenant's unreachable upstream is logged and
/// skipped; the others are read all the same.
/// </summary>
public sealed class UpstreamStatusPoll(TenantDb tenantDb, UpstreamReviews reviews, ILogger<UpstreamStatusPoll> logger)
{
    [Queue(UpstreamSubmissionJob.Queue)]
    [AutomaticRetry(Attempts = 0)]
    public async Task ExecuteAsync(CancellationToken ct)
    {
        List<Guid> tenants;
        await using (var platform = await tenantDb.BeginPlatformAsync(ct))
        {
            tenants = (await platform.QueryAsync<Guid>("SELECT tenant_id FROM tenants")).ToList();
            await platform.CommitAsync();
        }

        var recorded = 0;
        foreach (var tenantId in tenants)
        {
            UpstreamLink? link;
            List<UpstreamSubmission> waiting;
            await using (var db = await tenantDb.BeginAsync(tenantId, ct))
            {
                link = await UpstreamData.LinkAsync(db);
                waiting = link is null ? [] : await UpstreamData.AwaitingReviewAsync(db);
                await db.CommitAsync();
            }
            if (link is null) continue;

            foreach (var delivered in waiting)
            {
                var review = await reviews.ReadAsync(tenantId, link, delivered, ct);
                if (review.ErrorCode is not null)
                {
                    logger.LogWarning("Upstream review of {Year} not read for tenant {TenantId}: {Error}", delivered.Year, tenantId, review.ErrorCode);
                    // The same upstream answers the tenant's other years the same way.
                    if (review.ErrorCode is "upstream-unreachable" or "upstream-key-refused" or "upstream-not-allowed") break;
                    continue;
                }
                await using var db = await tenantDb.BeginAsync(tenantId, CancellationToken.None);
                if (await UpstreamReviews.RecordAsync(db, UpstreamReviews.Actor(link), delivered, review)) recorded++;
                await db.CommitAsync();
            }
        }
        if (recorded > 0) logger.LogInformation("Upstream reviews recorded: {Recorded}", recorded);
    }
}
