using Aggregator.Api.OpenApi;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Data;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Tenants.Get;

public sealed class Request
{
    public string Tenant { get; init; } = "";
}

public sealed record Response(string Code, string Name, [property: Vocabulary(Vocabularies.TenantKinds)] string Kind, string TimeZone, DateTime CreatedAt);

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/v1/tenants/{tenant}");
        Description(d => d.WithTags("Tenants").AllowedForAnyKey());
        Summary(s => s.Summary = "One tenant, for the admin or any key of that tenant.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var tenantId = ProcessorState<RequestAccess>().TenantId;
        const string sql = "SELECT code, name, kind, time_zone AS TimeZone, created_at AS CreatedAt FROM tenants WHERE tenant_id = @tenantId";
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var tenant = await db.QuerySingleOrDefaultAsync<Response>(sql, new { tenantId })
                     ?? throw ProblemException.NotFound(ProblemText.TenantNotFound(req.Tenant));
        await db.CommitAsync();
        await Send.OkAsync(tenant, ct);
    }
}
