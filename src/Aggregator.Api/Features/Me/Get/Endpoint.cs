using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Data;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Me.Get;

public sealed class Endpoint(TenantDb tenantDb) : EndpointWithoutRequest<Response>
{
    /// <summary>The platform admin's key is configuration, not a row: this is its name.</summary>
    public const string AdminKeyName = "Aggregator:BootstrapAdminKey";

    public override void Configure()
    {
        Get("/api/v1/me");
        Description(d => d.WithTags("Me").AllowedForAnyKey());
        Summary(s =>
        {
            s.Summary = "Who the calling key is: its id, name and role, and the tenant and org unit it acts for (null for the platform admin). " +
                        "Any valid key; 401 without one.";
            s.ResponseExamples[200] = new Response("0193f6a2-7c41-7d0e-9a55-3c1f2b8e4d10", "陶然亭街道 reporting system", KeyRoles.Reporter,
                new NamedCode("110102", "西城区"), new NamedCode("110102003", "陶然亭街道"));
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var caller = ProcessorState<RequestAccess>().Caller;
        if (caller.IsAdmin)
        {
            await Send.OkAsync(new Response(caller.KeyId, AdminKeyName, caller.Role, null, null), ct);
            return;
        }

        var tenantId = caller.TenantId ?? throw new InvalidOperationException("A tenant's key carries its tenant.");
        const string sql = """
            SELECT k.name AS KeyName, t.code AS TenantCode, t.name AS TenantName, o.code AS UnitCode, o.name AS UnitName
            FROM api_keys k
            JOIN tenants t ON t.tenant_id = k.tenant_id
            JOIN org_units o ON o.tenant_id = k.tenant_id AND o.org_unit_id = k.org_unit_id
            WHERE k.tenant_id = @tenantId AND k.api_key_id = @keyId AND k.revoked_at IS NULL
            """;
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var row = await db.QuerySingleOrDefaultAsync<Row>(sql, new { tenantId, keyId = Guid.Parse(caller.KeyId) });
        await db.CommitAsync();
        // Revoked between authentication (a cached key) and this read: it is no key any more.
        if (row is null) throw new ProblemException(StatusCodes.Status401Unauthorized, ProblemText.KeyRevoked());
        await Send.OkAsync(new Response(caller.KeyId, row.KeyName, caller.Role,
            new NamedCode(row.TenantCode, row.TenantName), new NamedCode(row.UnitCode, row.UnitName)), ct);
    }

    private sealed record Row(string KeyName, string TenantCode, string TenantName, string UnitCode, string UnitName);
}
