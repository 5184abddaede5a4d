using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using FastEndpoints;

namespace Aggregator.Api.Features.Reports.Version;

public sealed class Request : ReportRequest
{
    public int V { get; init; }
}

public sealed class Endpoint(TenantDb tenantDb, TenantScope tenants, TemplateCatalog catalog) : Endpoint<Request, VersionView>
{
    public override void Configure()
    {
        Get("/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}");
        Description(d => d.WithTags("Reports").OpenToAnyKey().Produces(304)
            .AcceptsHeader("If-None-Match", "An ETag the client holds: 304 while it is still the current one."));
        Summary(s => s.Summary = "One stored version of the unit's report, as it was sent. Versions never change.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = Caller.From(User);
        var tenantId = await tenants.ResolveAsync(caller, req.Tenant, ct);

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var row = await VersionReads.FindAsync(db, caller, req, req.V);
        await db.CommitAsync();

        if (ConditionalGet.IsNotModified(HttpContext, row.ETag)) await Send.NotModifiedAsync(ct);
        else await Send.OkAsync(VersionView.From(row, catalog), ct);
    }
}
