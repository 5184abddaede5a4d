using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Data;
using FastEndpoints;

namespace Aggregator.Api.Features.Reports.List;

public sealed class Endpoint(TenantDb tenantDb, TenantScope tenants) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/v1/tenants/{tenant}/reports");
        Description(d => d.WithTags("Reports").OpenToAnyKey());
        Summary(s => s.Summary = "Who has reported, which version counts and when it came, within the caller's scope; paged.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = Caller.From(User);
        var tenantId = await tenants.ResolveAsync(caller, req.Tenant, ct);

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var (items, total) = await Data.PageAsync(db, req, OrgScope.Of(caller));
        await db.CommitAsync();
        await Send.OkAsync(new Response(items, req.Page, req.PageSize, total), ct);
    }
}
