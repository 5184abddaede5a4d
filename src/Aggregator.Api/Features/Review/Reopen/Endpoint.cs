using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Input;
using Aggregator.Data;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Review.Reopen;

public sealed class Endpoint(TenantDb tenantDb, ReviewTransitions review) : Endpoint<ReopenRequest, ReopenResponse>
{
    public override void Configure()
    {
        Post("/org-units/{org}/reports/{year}/reopen");
        Group<TenantGroup>();
        Description(d => d.WithTags("Review").AllowedForTenantRolesOnly(KeyRoles.Reviewer, KeyRoles.TenantAdmin).WithOptionalBody<ReopenRequest>());
        Summary(s => s.Summary =
            "Unlocks a year whose report a reviewer accepted, so the unit can submit a corrected version. The accepted version " +
            "counts until another one is accepted. " +
            "Reviewer or tenant-admin of a unit strictly above the unit (for the root's own report: at the root), never the key that reported the version that counts; otherwise 403 /problems/separation-of-duties. Reopening an open year changes nothing. The body is optional: none, or {\"comment\": \"…\"}.");
    }

    public override async Task HandleAsync(ReopenRequest req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        var report = await tenantDb.RunAsync(tenantId, async db =>
        {
            var report = await Data.LockReportAsync(db, caller, req.Org, req.Year)
                         ?? throw ProblemException.NotFound(ProblemText.ReportNotFound(req.Org, req.Year));
            // Reopening lets the unit replace what a reviewer accepted: the same hands as accepting, and not the key whose
            // version counts now.
            SeparationOfDuties.RequireMayReview(caller, report.UnitPath, report.CountedBy, ProblemText.ActReopen());
            await review.ReopenAsync(db, report, req.Org, req.Year, caller.Actor, req.Comment);
            return report;
        }, ct);
        await Send.OkAsync(new ReopenResponse(req.Org, req.Year, Locked: false, report.CountedVersion, report.CurrentVersion), ct);
    }
}
