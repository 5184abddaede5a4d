using Aggregator.Api.OpenApi;
using Aggregator.Api.Auth;
using Aggregator.Data;
using FastEndpoints;

namespace Aggregator.Api.Features.Tenants.List;

public sealed record TenantItem(string Code, string Name, [property: Vocabulary(Vocabularies.TenantKinds)] string Kind, string TimeZone, DateTime CreatedAt);

public sealed record Response(IReadOnlyList<TenantItem> Items);

public sealed class Endpoint(TenantDb tenantDb) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/api/v1/tenants");
        Description(d => d.WithTags("Tenants").AllowedForAdmin());
        Summary(s => s.Summary = "Every tenant, by code. Admin only.");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        const string sql = "SELECT code, name, kind, time_zone AS TimeZone, created_at AS CreatedAt FROM tenants ORDER BY code";
        await using var db = await tenantDb.BeginPlatformAsync(ct);
        var items = (await db.QueryAsync<TenantItem>(sql)).ToList();
        await db.CommitAsync();
        await Send.OkAsync(new Response(items), ct);
    }
}
