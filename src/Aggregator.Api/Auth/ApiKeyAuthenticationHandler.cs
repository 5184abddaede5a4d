using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Aggregator.Api.Errors;
using Aggregator.Data;
using Aggregator.Data.Resilience;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Auth;

/// <summary>
/// Authenticates the X-Api-Key header against the bootstrap admin key and the api_keys table, the latter's
/// answers remembered in the <see cref="KeyCache"/>.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TenantDb tenantDb,
    KeyCache keyCache,
    BootstrapAdminKey adminKey,
    DatabaseRetry retry)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
            return AuthenticateResult.NoResult();

        var key = values.ToString().Trim();
        if (!ApiKeySecret.LooksLikeKey(key)) return AuthenticateResult.Fail("The API key is not valid.");
        var hash = ApiKeySecret.Hash(key);

        if (adminKey.Hash is { } admin && CryptographicOperations.FixedTimeEquals(hash, admin))
            return Success(Caller.Admin);

        var hashHex = Convert.ToHexStringLower(hash);
        if (!keyCache.TryGet(hashHex, out var caller))
            // The lookup, a read, is retried on its own after a transient fault.
            caller = await keyCache.FindAsync(hashHex, ct => retry.ExecuteAsync(attempt => FindCallerAsync(hash, attempt), ct).AsTask(),
                Context.RequestAborted);
        return caller is null ? AuthenticateResult.Fail("The API key is not valid or was revoked.") : Success(caller);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ProblemWriter.WriteAsync(Context, StatusCodes.Status401Unauthorized,
            ProblemText.SendValidKey(HeaderName));

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemWriter.WriteAsync(Context, StatusCodes.Status403Forbidden, ProblemText.RoleMayNot());

    /// <summary>The ticket for ASP.NET's authorization, and the caller itself kept on the request (<see cref="Caller.Of"/>).</summary>
    private AuthenticateResult Success(Caller caller)
    {
        Context.Features.Set(caller);
        return AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));
    }

    private async Task<Caller?> FindCallerAsync(byte[] hash, CancellationToken ct)
    {
        // The hash's lookup row is the one row of another tenant this transaction may read (the key-lookup policy of
        // api_key_hashes, a reference table under Citus); the key itself is read in the tenant's scope once it is known.
        const string findKey = """
            SELECT tenant_id AS TenantId, api_key_id AS KeyId
            FROM api_key_hashes WHERE key_hash = @hash AND revoked_at IS NULL
            """;
        const string findScope = """
            SELECT k.org_unit_id AS OrgUnitId, k.role AS Role, o.path::text AS Path, o.code AS Code, t.code AS TenantCode, t.time_zone AS TimeZone
            FROM api_keys k
            JOIN org_units o ON o.tenant_id = k.tenant_id AND o.org_unit_id = k.org_unit_id
            JOIN tenants t ON t.tenant_id = k.tenant_id
            WHERE k.tenant_id = @tenantId AND k.api_key_id = @keyId AND k.revoked_at IS NULL
            """;

        await using var db = await tenantDb.BeginKeyLookupAsync(hash, ct);
        var key = await db.QuerySingleOrDefaultAsync<KeyRow>(findKey, new { hash });
        if (key is null) return null;
        await TenantDb.EnterTenantAsync(db, key.TenantId);
        var scope = await db.QuerySingleOrDefaultAsync<ScopeRow>(findScope, new { tenantId = key.TenantId, keyId = key.KeyId });
        await db.CommitAsync();
        if (scope is null) return null;
        return new Caller(key.KeyId.ToString(), scope.Role, key.TenantId, scope.TenantCode, scope.OrgUnitId, scope.Path, scope.TimeZone, scope.Code);
    }

    private sealed record KeyRow(Guid TenantId, Guid KeyId);
    private sealed record ScopeRow(long OrgUnitId, string Role, string Path, string Code, string TenantCode, string TimeZone);
}
