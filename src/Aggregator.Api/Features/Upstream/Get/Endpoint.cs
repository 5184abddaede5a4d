using Aggregator.Api.Errors.Texts;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.OpenApi;
using Aggregator.Data;
using Aggregator.Jobs.Upstream;
using FastEndpoints;

namespace Aggregator.Api.Features.Upstream.Get;

public sealed class Request
{
    public string Tenant { get; init; } = "";
}

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request, LinkView>
{
    public override void Configure()
    {
        Get("/upstream");
        Group<TenantGroup>();
        Description(d => d.WithTags("Upstream").AllowedForTenantRolesOnly(KeyRoles.TenantAdmin));
        Summary(s => s.Summary = "The tenant's link to the tenant it reports to, with the key's prefix only. Tenant-admin of the root; 404 while there is none.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        RootUnit.Require(caller, ProblemText.ActReadUpstreamLink());
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var link = await UpstreamData.LinkAsync(db) ?? throw ProblemException.NotFound(ProblemText.UpstreamLinkNotFound());
        await db.CommitAsync();
        await Send.OkAsync(new LinkView(link.Url, link.Tenant, link.OrgUnit, link.KeyPrefix, link.LinkedBy, link.LinkedAt), ct);
    }
}
