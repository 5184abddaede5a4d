using Aggregator.Data;
using FastEndpoints;

namespace Aggregator.Api.Features.Publications.Public.Edition;

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<EditionRequest, EditionView>
{
    public override void Configure()
    {
        Get(Auth.PublicRead.Prefix + "/{tenant}/{year}/editions/{n}");
        AllowAnonymous();
        Description(d => d.PublicReadOf());
        Summary(s => s.Summary =
            "Edition n of the tenant's published year, without a key, as it was published (never changed; a correction is the next edition).");
    }

    public override async Task HandleAsync(EditionRequest req, CancellationToken ct)
    {
        var edition = await PublicReads.EditionAsync(tenantDb, req.Tenant, req.Year, req.N, ct);
        await PublicRoutes.SendJsonAsync(HttpContext, edition.View(), ct);
    }
}
