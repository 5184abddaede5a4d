using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Shared;
using Aggregator.Data;
using Dapper;
using FastEndpoints;

namespace Aggregator.Api.Features.ApiKeys.Revoke;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public Guid Id { get; init; }
}

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/api-keys/{id}");
        Group<TenantGroup>();
        Description(d => d.WithTags("API keys").AllowedFor(KeyRoles.TenantAdmin).ClearDefaultProduces(200).Produces(204));
        Summary(s => s.Summary = "Revokes a key at once. Revoking a revoked key changes nothing. Tenant-admin.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();

        const string sql = $"""
            UPDATE api_keys k SET revoked_at = coalesce(k.revoked_at, now())
            FROM org_units o
            WHERE o.tenant_id = k.tenant_id AND o.org_unit_id = k.org_unit_id
              AND k.api_key_id = @Id AND {OrgScope.SqlFilter}
            RETURNING k.api_key_id
            """;
        var parameters = new DynamicParameters(OrgScope.Of(caller));
        parameters.Add("Id", req.Id);

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        _ = await db.QuerySingleOrDefaultAsync<Guid?>(sql, parameters)
            ?? throw ProblemException.NotFound($"API key '{req.Id}'");
        await AuditLog.AppendAsync(db, tenantId, caller.Actor, "api-key.revoked", req.Id.ToString());
        await db.CommitAsync();
        await Send.NoContentAsync(ct);
    }
}
