using Aggregator.Api.Auth;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Input;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Review.Accept;

public sealed class Request : VersionReviewRequest
{
    public sealed class Validator : Validator<Request>
    {
        public Validator() => ReviewRules.Apply(this, commentRequired: false);
    }
}

public sealed class Endpoint(TenantDb tenantDb, TemplateCatalog catalog, ReviewTransitions review) : Endpoint<Request, VersionView>
{
    public override void Configure()
    {
        Post("/org-units/{org}/reports/{year}/versions/{v}/accept");
        Group<TenantGroup>();
        Description(d => d.WithTags("Review").AllowedForTenantRolesOnly(KeyRoles.Reviewer, KeyRoles.TenantAdmin).Produces(409)
            .WithOptionalBody<Request>());
        Summary(s => s.Summary =
            "Accepts the unit's newest, submitted version: from now on it is the version the figures count, and the year is locked " +
            "(a new version is refused with 409 until it is reopened). " +
            "Reviewer or tenant-admin of a unit strictly above the unit (for the root's own report: at the root), never the key that reported the version; otherwise 403 /problems/separation-of-duties. Accepting an " +
            "accepted version changes nothing; a returned or superseded one is 409. The body is optional: none, or {\"comment\": \"…\"}.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        var (outcome, view) = await tenantDb.RunAsync(tenantId, async db =>
        {
            var (report, version) = await ReviewTransitions.FindAsync(db, caller, req, ProblemText.ActAccept());
            var outcome = await review.AcceptAsync(db, report, version, req.Org, req.Year, caller.Actor, req.Comment,
                lockYear: true, "report.version-accepted", ct);
            return (outcome, VersionView.From(await VersionReads.FindAsync(db, caller, req, req.V), catalog));
        }, ct);
        await review.NotifyAsync(tenantId, req.Year, outcome);
        await Send.OkAsync(view, ct);
    }
}
