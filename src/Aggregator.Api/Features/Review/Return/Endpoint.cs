using Aggregator.Api.Auth;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Review.Return;

public sealed class Request : VersionReviewRequest
{
    public sealed class Validator : Validator<Request>
    {
        public Validator() => ReviewRules.Apply(this, commentRequired: true);
    }
}

public sealed class Endpoint(TenantDb tenantDb, TemplateCatalog catalog, ReviewTransitions review) : Endpoint<Request, VersionView>
{
    public override void Configure()
    {
        Post("/org-units/{org}/reports/{year}/versions/{v}/return");
        Group<TenantGroup>();
        Description(d => d.WithTags("Review").AllowedForTenantRolesOnly(KeyRoles.Reviewer, KeyRoles.TenantAdmin).Produces(409));
        Summary(s => s.Summary =
            "Returns the unit's newest, submitted version with a comment saying what to correct: it never counts, and the unit " +
            "submits a new version. " +
            "Reviewer or tenant-admin of a unit strictly above the unit (for the root's own report: at the root), never the key that reported the version; otherwise 403 /problems/separation-of-duties. Returning a returned version changes nothing; " +
            "an accepted or superseded one is 409.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        var (outcome, view) = await tenantDb.RunAsync(tenantId, async db =>
        {
            var (report, version) = await ReviewTransitions.FindAsync(db, caller, req, ProblemText.ActReturn());
            var outcome = await review.ReturnAsync(db, report, version, req.Org, req.Year, caller.Actor, req.Comment!, ct);
            return (outcome, VersionView.From(await VersionReads.FindAsync(db, caller, req, req.V), catalog));
        }, ct);
        await review.NotifyAsync(tenantId, req.Year, outcome);
        await Send.OkAsync(view, ct);
    }
}
