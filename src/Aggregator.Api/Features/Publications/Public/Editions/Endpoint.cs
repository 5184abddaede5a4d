using Aggregator.Api.Errors;
using Aggregator.Api.Errors.Texts;
using Aggregator.Data;
using FastEndpoints;

namespace Aggregator.Api.Features.Publications.Public.Editions;

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<TenantRequest, EditionsView>
{
    public override void Configure()
    {
        Get(Auth.PublicRead.Prefix + "/{tenant}");
        AllowAnonymous();
        Description(d => d.PublicReadOf());
        Summary(s => s.Summary =
            "What the tenant has published, without a key: every edition of every year as items, the newest year first. " +
            "404 for a tenant that has published nothing (or does not exist: the answer is the same).");
    }

    public override async Task HandleAsync(TenantRequest req, CancellationToken ct)
    {
        await using var db = await tenantDb.BeginPublicReadAsync(req.Tenant, ct);
        var tenant = await PublicData.TenantAsync(db, req.Tenant);
        var editions = (await PublicData.EditionsAsync(db, req.Tenant)).ToList();
        await db.CommitAsync();
        if (tenant is null || editions.Count == 0) throw ProblemException.NotFound(ProblemText.NothingPublished(req.Tenant));

        var items = editions.Select((e, i) => new EditionItem(e.Year, e.Edition, DateTime.SpecifyKind(e.PublishedAt, DateTimeKind.Utc), e.Changes,
            Latest: i == 0 || editions[i - 1].Year != e.Year)).ToList();
        await PublicRoutes.SendJsonAsync(HttpContext, new EditionsView(tenant.Tenant, tenant.TenantName, items), ct);
    }
}
