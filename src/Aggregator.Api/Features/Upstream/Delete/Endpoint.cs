using Aggregator.Api.Errors.Texts;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.OpenApi;
using Aggregator.Data;
using Aggregator.Jobs.Upstream;
using FastEndpoints;

namespace Aggregator.Api.Features.Upstream.Delete;

public sealed class Request
{
    public string Tenant { get; init; } = "";
}

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/upstream");
        Group<TenantGroup>();
        Description(d => d.WithTags("Upstream").AllowedForTenantRolesOnly(KeyRoles.TenantAdmin).ClearDefaultProduces(200).Produces(204)
            .AnswersProblem(400, "A body this operation does not take, in a form it cannot read (send none)."));
        Summary(s => s.Summary = "Removes the tenant's upstream link and its key. Tenant-admin of the root; 404 while there is none. What was handed up stays upstream.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        RootUnit.Require(caller, ProblemText.ActUnlinkUpstream());
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        if (await UpstreamData.DeleteLinkAsync(db) == 0) throw ProblemException.NotFound(ProblemText.UpstreamLinkNotFound());
        await AuditLog.AppendAsync(db, tenantId, caller.Actor, "upstream.unlinked", "upstream");
        await db.CommitAsync();
        await Send.NoContentAsync(ct);
    }
}
