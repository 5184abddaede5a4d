using Aggregator.Data;
using FastEndpoints;

namespace Aggregator.Api.Features.Publications.Public.Year;

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<YearRequest, EditionView>
{
    public override void Configure()
    {
        Get(Auth.PublicRead.Prefix + "/{tenant}/{year}");
        AllowAnonymous();
        Description(d => d.PublicReadOf());
        Summary(s => s.Summary =
            "The latest published edition of the tenant's year, without a key: the figures with labels and units, the year-over-year " +
            "comparison, the changelog against the edition before, the units counted, the edition's number and when it was published. " +
            "404 for a year, or a tenant, with nothing published.");
    }

    public override async Task HandleAsync(YearRequest req, CancellationToken ct)
    {
        var edition = await PublicReads.EditionAsync(tenantDb, req.Tenant, req.Year, null, ct);
        await PublicRoutes.SendJsonAsync(HttpContext, edition.View(), ct);
    }
}
