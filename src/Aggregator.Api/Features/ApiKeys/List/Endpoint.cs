using Aggregator.Api.Auth;
using Aggregator.Data;
using Dapper;
using FastEndpoints;

namespace Aggregator.Api.Features.ApiKeys.List;

public sealed class Request
{
    public string Tenant { get; init; } = "";
}

public sealed record Response(IReadOnlyList<ApiKeyView> Items);

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api-keys");
        Group<TenantGroup>();
        Description(d => d.WithTags("API keys").AllowedFor(KeyRoles.TenantAdmin));
        Summary(s => s.Summary = "The keys of the org units in the caller's scope, without their secrets. Tenant-admin.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();

        const string sql = $"""
            SELECT k.api_key_id AS Id, o.code AS OrgUnit, k.role AS Role, k.name AS Name,
                   k.created_at AS CreatedAt, k.created_by AS CreatedBy, k.revoked_at AS RevokedAt
            FROM api_keys k JOIN org_units o ON o.tenant_id = k.tenant_id AND o.org_unit_id = k.org_unit_id
            WHERE {OrgScope.SqlFilter}
            ORDER BY k.created_at, k.api_key_id
            """;
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var keys = (await db.QueryAsync<ApiKeyView>(sql, new DynamicParameters(OrgScope.Of(caller, tenantId)))).ToList();
        await db.CommitAsync();
        await Send.OkAsync(new Response(keys), ct);
    }
}
