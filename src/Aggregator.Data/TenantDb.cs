using Npgsql;

namespace Aggregator.Data;

/// <summary>Opens transactions scoped for row-level security. The only way the app reaches tenant tables.</summary>
public sealed class TenantDb(NpgsqlDataSource dataSource)
{
    private const string TenantSetting = "app.tenant_id";
    private const string ScopeSetting = "app.scope";
    private const string KeyHashSetting = "app.key_hash";

    /// <summary>A transaction that sees and writes only the rows of <paramref name="tenantId"/>.</summary>
    public Task<DbSession> BeginAsync(Guid tenantId, CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string> { [TenantSetting] = tenantId.ToString() }, tenantId, ct);

    /// <summary>
    /// A tenant transaction for reads whose statements must agree with each other: REPEATABLE READ, so every
    /// statement sees the snapshot taken at its first one, whatever commits meanwhile. Reads only: a write in it
    /// could fail with a serialization error.
    /// </summary>
    public Task<DbSession> BeginSnapshotAsync(Guid tenantId, CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string> { [TenantSetting] = tenantId.ToString() }, tenantId, ct,
            System.Data.IsolationLevel.RepeatableRead);

    /// <summary>A transaction over the platform admin's tenant registry (the tenants table only).</summary>
    public Task<DbSession> BeginPlatformAsync(CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string> { [ScopeSetting] = "platform" }, tenantId: null, ct);

    /// <summary>
    /// A read-only look at every tenant's rollup progress (rollup_state only, by its monitoring policy), for the
    /// figures' staleness on /metrics: what is read leaves the process as one number, never a tenant's row.
    /// </summary>
    public Task<DbSession> BeginMonitoringAsync(CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string> { [ScopeSetting] = "monitoring" }, tenantId: null, ct);

    /// <summary>Registers a new tenant and writes its first rows in one transaction.</summary>
    public Task<DbSession> BeginTenantCreationAsync(Guid tenantId, CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string>
        {
            [ScopeSetting] = "platform",
            [TenantSetting] = tenantId.ToString(),
        }, tenantId, ct);

    /// <summary>A transaction that may read the one API key whose hash it presents.</summary>
    public Task<DbSession> BeginKeyLookupAsync(byte[] keyHash, CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string> { [KeyHashSetting] = Convert.ToHexStringLower(keyHash) }, tenantId: null, ct);

    /// <summary>Within a key-lookup transaction, switch to the key's tenant once the key is known.</summary>
    public static Task EnterTenantAsync(DbSession db, Guid tenantId) =>
        db.ExecuteAsync("SELECT set_config('app.tenant_id', @value, true)", new { value = tenantId.ToString() });
}
