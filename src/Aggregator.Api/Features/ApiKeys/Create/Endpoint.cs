using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Shared;
using Aggregator.Data;
using Dapper;
using Aggregator.Api.OpenApi;
using FastEndpoints;
using Microsoft.Extensions.Options;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.ApiKeys.Create;

public sealed class Endpoint(TenantDb tenantDb, IOptions<ApiKeyOptions> options) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/api-keys");
        Group<TenantGroup>();
        Description(d => d.WithTags("API keys").AllowedFor(KeyRoles.TenantAdmin).ClearDefaultProduces(200).Produces<Response>(201)
            .AnswersProblem(409, "The tenant holds Aggregator:ApiKeys:MaxPerTenant active keys (/problems/tenant-cap, naming the setting); revoke one first."));
        Summary(s => s.Summary = "Creates a key bound to an org unit and a role; the answer carries the secret, once. Tenant-admin.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();

        const string findUnit = $"""
            SELECT o.org_unit_id AS OrgUnitId, o.path::text AS Path FROM org_units o
            WHERE o.code = @OrgUnit AND {OrgScope.SqlFilter}
            """;
        // The hash goes into the lookup that authentication reads before it knows the tenant (api_key_hashes, a reference
        // table under Citus), in the key's transaction. Two statements: Citus plans no CTE that writes a reference table
        // and a distributed one together.
        const string insertHash = """
            INSERT INTO api_key_hashes (key_hash, tenant_id, api_key_id) VALUES (@hash, @tenantId, @id)
            """;
        const string insert = """
            INSERT INTO api_keys (tenant_id, api_key_id, org_unit_id, role, name, key_hash, created_by)
            VALUES (@tenantId, @id, @orgUnitId, @Role, @Name, @hash, @createdBy)
            RETURNING created_at
            """;
        var parameters = new DynamicParameters(OrgScope.Of(caller, tenantId));
        parameters.Add("OrgUnit", req.OrgUnit);

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var unit = await db.QuerySingleOrDefaultAsync<UnitRow>(findUnit, parameters)
                   ?? throw ProblemException.Invalid("orgUnit", ProblemText.OrgUnitNotInTenant(req.OrgUnit));
        KeyAuthority.RequireMayManage(caller, req.Role, unit.Path, revoke: false);
        await TenantCaps.RequireRoomAsync(db, TenantCaps.ApiKeys, options.Value.MaxPerTenant);
        var orgUnitId = unit.OrgUnitId;
        var id = Guid.CreateVersion7();
        var key = ApiKeySecret.Generate();
        var hash = ApiKeySecret.Hash(key);
        await db.ExecuteAsync(insertHash, new { hash, tenantId, id });
        var createdAt = await db.QuerySingleAsync<DateTime>(insert, new
        {
            tenantId, id, orgUnitId, req.Role, req.Name, hash, createdBy = caller.Actor,
        });
        await AuditLog.AppendAsync(db, tenantId, caller.Actor, "api-key.created", new AuditSubject(id.ToString(), orgUnitId),
            new { req.OrgUnit, req.Role, req.Name });
        await db.CommitAsync();

        await Send.ResponseAsync(new Response(id, key, req.OrgUnit, req.Role, req.Name, createdAt), StatusCodes.Status201Created, ct);
    }

    private sealed record UnitRow(long OrgUnitId, string Path);
}
