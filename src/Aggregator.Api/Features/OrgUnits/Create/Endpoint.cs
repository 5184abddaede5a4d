using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Shared;
using Aggregator.Data;
using Aggregator.Jobs.Rollups;
using FastEndpoints;
using Microsoft.Extensions.Options;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.OrgUnits.Create;

public sealed class Endpoint(TenantDb tenantDb, FollowUps followUps, TreeChanges treeChanges,
    IOptions<OrgUnitOptions> options)
    : Endpoint<Request, OrgUnitView>
{
    public override void Configure()
    {
        Post("/org-units");
        Group<TenantGroup>();
        Description(d => d.WithTags("Org units").AllowedFor(KeyRoles.TenantAdmin).ClearDefaultProduces(200).Produces<OrgUnitView>(201)
            .AnswersProblem(409, "An org unit with this code exists in the tenant, or the tenant holds Aggregator:OrgUnits:MaxPerTenant units " +
                                 "(/problems/tenant-cap, naming the setting)."));
        Summary(s => s.Summary = "Adds an org unit under a parent in the caller's scope. Tenant-admin.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();

        var (unit, years) = await tenantDb.RunAsync(tenantId, async db =>
        {
            var parent = await Data.FindParentAsync(db, req.Parent, OrgScope.Of(caller, tenantId));
            if (parent is null)
            {
                throw req.Parent is null
                    ? ProblemException.Forbidden(ProblemText.NotAtRoot())
                    : ProblemException.Invalid("parent", ProblemText.ParentNotInTenant(req.Parent));
            }
            if (parent.Depth + 1 > options.Value.MaxDepth)
                ThrowError(r => r.Parent, ProblemText.TooDeep(req.Parent, parent.Depth, options.Value.MaxDepth));
            await TenantCaps.RequireRoomAsync(db, TenantCaps.OrgUnits, options.Value.MaxPerTenant);
            if (await Data.CodeTakenAsync(db, req.Code))
                throw ProblemException.Conflict(ProblemText.OrgUnitExists(req.Code));

            var unit = await Data.InsertAsync(db, tenantId, parent, req);
            // Filed under the parent: the unit whose subtree changed, and whose reviewers may read the entry.
            await AuditLog.AppendAsync(db, tenantId, caller.Actor, "org-unit.created", new AuditSubject(req.Code, parent.OrgUnitId), req);
            // A new unit changes every reported year's completeness (and its parent may now have children).
            var years = (await Data.ReportedYearsAsync(db)).ToList();
            await followUps.MarkChangingAsync(db, tenantId, years, ct);
            return (unit, years);
        }, ct);
        // Committed: every replica hears of the change at once; the rollups follow once the tree is quiet (units created
        // in a row queue one run per year, not one per unit and year), from memory, so nothing after the COMMIT can turn
        // the stored unit into an error.
        followUps.Announce(tenantId, years);
        treeChanges.Changed(tenantId, years);

        await Send.CreatedAtAsync<Get.Endpoint>(new { tenant = req.Tenant, org = unit.Code }, unit, cancellation: ct);
    }
}
