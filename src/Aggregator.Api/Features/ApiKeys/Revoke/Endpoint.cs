using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Shared;
using Aggregator.Data;
using Dapper;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.ApiKeys.Revoke;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public Guid Id { get; init; }
}

public sealed class Endpoint(TenantDb tenantDb, KeyCache keyCache) : Endpoint<Request>
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

        const string find = $"""
            SELECT k.role AS Role, o.path::text AS Path, k.key_hash AS KeyHash
            FROM api_keys k JOIN org_units o ON o.tenant_id = k.tenant_id AND o.org_unit_id = k.org_unit_id
            WHERE k.tenant_id = @TenantId AND k.api_key_id = @Id AND {OrgScope.SqlFilter}
            FOR UPDATE OF k
            """;
        // The key's hash in the lookup (api_key_hashes) is revoked with it: authentication stops finding it at this commit.
        const string revokeHash = """
            UPDATE api_key_hashes SET revoked_at = coalesce(revoked_at, now())
            WHERE tenant_id = @tenantId AND api_key_id = @Id
            """;
        const string revoke = """
            UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
            WHERE tenant_id = @tenantId AND api_key_id = @Id
            """;
        var parameters = new DynamicParameters(OrgScope.Of(caller, tenantId));
        parameters.Add("Id", req.Id);

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var key = await db.QuerySingleOrDefaultAsync<KeyRow>(find, parameters)
                  ?? throw ProblemException.NotFound(ProblemText.ApiKeyNotFound(req.Id));
        KeyAuthority.RequireMayManage(caller, key.Role, key.Path, revoke: true);
        await db.ExecuteAsync(revoke, new { tenantId, req.Id });
        await db.ExecuteAsync(revokeHash, new { tenantId, req.Id });
        await AuditLog.AppendAsync(db, tenantId, caller.Actor, "api-key.revoked", req.Id.ToString());
        // Every process evicts the key when this commits; this one at once, before it answers.
        await KeyRevocations.NotifyAsync(db, key.KeyHash);
        await db.CommitAsync();
        keyCache.Evict(Convert.ToHexStringLower(key.KeyHash));
        await Send.NoContentAsync(ct);
    }

    private sealed record KeyRow(string Role, string Path, byte[] KeyHash);
}
