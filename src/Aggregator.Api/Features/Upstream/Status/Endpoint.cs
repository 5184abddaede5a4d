using Aggregator.Api.Errors.Texts;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.OpenApi;
using Aggregator.Data;
using Aggregator.Jobs.Upstream;
using FastEndpoints;

namespace Aggregator.Api.Features.Upstream.Status;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public int Year { get; init; }
}

/// <summary>
/// Why the status could not be read: <c>code</c> upstream-unreachable, upstream-key-refused (the key revoked upstream),
/// upstream-not-allowed (the link's url is no longer on the operator's allow-list), upstream-error, no-upstream (the link was removed), or hand-up-failed (the last hand-up never reached upstream).
/// </summary>
public sealed record StatusError(string Code, string Detail);

/// <summary>
/// The year as handed up and what upstream did with it. <c>submittedAt</c>, <c>generation</c>, <c>upstreamVersion</c>: the newest
/// hand-up that reached upstream (<c>state</c> submitted, or unchanged when upstream already held the same figures);
/// <c>status</c>, <c>statusComment</c>, <c>statusAt</c>: that version's review upstream, read now; <c>current</c>: false once the
/// tenant's figures changed after they were handed up; <c>lastAttempt</c>: the newest hand-up, failed or not, with its error.
/// </summary>
public sealed record Response(
    int Year, DateTime? SubmittedAt, long? Generation, int? UpstreamVersion, string? State, string? Status, string? StatusComment,
    DateTime? StatusAt, bool Current, StatusError? Error, Attempt LastAttempt);

public sealed record Attempt(string SubmissionId, DateTime RequestedAt, long Generation, string State, string? Error);

public sealed class Endpoint(TenantDb tenantDb, UpstreamReviews reviews) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/upstream/{year}");
        Group<TenantGroup>();
        Description(d => d.WithTags("Upstream").AllowedForTenantRolesOnly(KeyRoles.TenantAdmin, KeyRoles.Reviewer, KeyRoles.Viewer));
        Summary(s => s.Summary =
            "What became of the year handed up: the version upstream and its review there (submitted, accepted, returned with a comment), " +
            "read from upstream now, and whether the tenant's figures are still those handed up. Tenant-admin, reviewer or viewer of the root; " +
            "404 before the first hand-up. Upstream unreachable or the key refused: 200 with error.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        RootUnit.Require(caller, ProblemText.ActReadUpstreamStatus());
        UpstreamSubmission? delivered, latest;
        UpstreamLink? link;
        RootFigures figures;
        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            (delivered, latest) = await UpstreamData.LatestAsync(db, req.Year);
            link = await UpstreamData.LinkAsync(db);
            figures = await UpstreamData.RootFiguresAsync(db, req.Year);
            await db.CommitAsync();
        }
        if (latest is null) throw ProblemException.NotFound($"A hand-up of {req.Year}");

        var attempt = new Attempt(latest.SubmissionId.ToString("N"), latest.RequestedAt, latest.Generation, latest.State, latest.Error);
        var current = delivered is not null && !figures.Stale && figures.Generation == delivered.Generation;
        if (delivered is null)
        {
            var pending = latest.State == "queued";
            await Send.OkAsync(new Response(req.Year, null, null, null, latest.State, null, null, null, false,
                pending ? null : new StatusError("hand-up-failed", latest.Error ?? "报送未成功。"), attempt), ct);
            return;
        }

        UpstreamReview review;
        if (link is null) review = new UpstreamReview(null, null, null, "no-upstream", "本租户已没有上级链接，无法读取上级的审核状态。");
        else review = await reviews.ReadAsync(tenantId, link, delivered, ct);
        var (status, comment, statusAt) = (review.Status, review.Comment, review.StatusAt);
        var error = review.ErrorCode is { } code ? new StatusError(code, review.ErrorDetail ?? "") : null;

        // A move upstream is recorded once in this tenant's audit (here or by UpstreamStatusPoll, whichever sees it first).
        if (status is not null)
        {
            await using var db = await tenantDb.BeginAsync(tenantId, CancellationToken.None);
            await UpstreamReviews.RecordAsync(db, UpstreamReviews.Actor(link!), delivered, review);
            await db.CommitAsync();
        }

        await Send.OkAsync(new Response(req.Year, delivered.SubmittedAt, delivered.Generation, delivered.UpstreamVersion, delivered.State,
            status, comment, statusAt, current, error, attempt), ct);
    }
}
