using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Data;
using FastEndpoints;

namespace Aggregator.Api.Features.Review.Reopen;

public sealed class Endpoint(TenantDb tenantDb, ReviewTransitions review) : Endpoint<ReopenRequest, ReopenResponse>
{
    public override void Configure()
    {
        Post("/org-units/{org}/reports/{year}/reopen");
        Group<TenantGroup>();
        Description(d => d.WithTags("Review").AllowedFor(KeyRoles.Reviewer, KeyRoles.TenantAdmin));
        Summary(s => s.Summary =
            "Unlocks a year whose report a reviewer accepted, so the unit can submit a corrected version. The accepted version " +
            "counts until another one is accepted. Reviewer or tenant-admin at or above the unit; reopening an open year changes nothing.");
    }

    public override async Task HandleAsync(ReopenRequest req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var report = await Data.LockReportAsync(db, caller, req.Org, req.Year)
                     ?? throw ProblemException.NotFound($"A report of '{req.Org}' for {req.Year}");
        await review.ReopenAsync(db, report, req.Org, req.Year, caller.Actor, req.Comment);
        await db.CommitAsync();
        await Send.OkAsync(new ReopenResponse(req.Org, req.Year, Locked: false, report.CountedVersion, report.CurrentVersion), ct);
    }
}
