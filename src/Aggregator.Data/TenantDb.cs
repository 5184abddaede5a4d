using Aggregator.Data.Resilience;
using Dapper;
using Npgsql;

namespace Aggregator.Data;

/// <summary>Opens transactions scoped for row-level security. The only way the app reaches tenant tables.</summary>
/// <param name="dataSource">The process's one data source.</param>
/// <param name="retry">Retries <see cref="RunAsync{T}"/>'s units of work; without it (tools) they run once.</param>
/// <param name="scopeCommand">How the scope is written: set_config by default, SET LOCAL for Citus (Aggregator:Database:ScopeCommand).</param>
public sealed class TenantDb(NpgsqlDataSource dataSource, DatabaseRetry? retry = null, ScopeCommand scopeCommand = ScopeCommand.SetConfig)
{
    internal const string TenantSetting = "app.tenant_id";
    private const string ScopeSetting = "app.scope";
    private const string KeyHashSetting = "app.key_hash";
    private const string JobIdSetting = "app.job_id";
    private const string PublicTenantSetting = "app.public_tenant";

    /// <summary>A transaction that sees and writes only the rows of <paramref name="tenantId"/>.</summary>
    public Task<DbSession> BeginAsync(Guid tenantId, CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string> { [TenantSetting] = tenantId.ToString() }, scopeCommand, tenantId, ct);

    /// <summary>
    /// A unit of work: <paramref name="work"/> in one tenant transaction, committed when it returns. A transient fault
    /// before the COMMIT rolled everything back, and the whole unit runs again on a fresh transaction (Polly, with
    /// back-off: <see cref="DatabaseRetry"/>); so <paramref name="work"/> must only read what the request already holds
    /// — never its body — and keep what it learns in the database until it returns. A COMMIT that broke off unanswered
    /// is not repeated (<see cref="CommitOutcomeUnknownException"/>). Follow-ups of the write (queuing a job) belong after
    /// this returns.
    /// </summary>
    public async Task<T> RunAsync<T>(Guid tenantId, Func<DbSession, Task<T>> work, CancellationToken ct)
    {
        async Task<T> OnceAsync(CancellationToken attempt)
        {
            await using var db = await BeginAsync(tenantId, attempt);
            var result = await work(db);
            await db.CommitAsync();
            return result;
        }

        return retry is null ? await OnceAsync(ct) : await retry.ExecuteAsync(OnceAsync, ct);
    }

    /// <summary>
    /// A tenant transaction for reads whose statements must agree with each other: REPEATABLE READ, so every
    /// statement sees the snapshot taken at its first one, whatever commits meanwhile. Reads only: a write in it
    /// could fail with a serialization error.
    /// </summary>
    public Task<DbSession> BeginSnapshotAsync(Guid tenantId, CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string> { [TenantSetting] = tenantId.ToString() }, scopeCommand, tenantId, ct,
            System.Data.IsolationLevel.RepeatableRead);

    /// <summary>
    /// One read in the tenant's scope in a single round trip: the scope's set_config and the query go out as
    /// one command of two statements. PostgreSQL runs the statements of one such command (one Sync) in one
    /// implicit transaction, so the transaction-local setting holds for the query and ends with it, as in
    /// <see cref="BeginAsync"/>; no BEGIN and COMMIT of their own. For a hot read that is one statement;
    /// reads of several statements that must agree take <see cref="BeginSnapshotAsync"/>.
    /// Under <see cref="ScopeCommand.SetLocal"/> it is an explicit transaction (a COMMIT more): Citus carries a SET LOCAL
    /// to the workers only inside a transaction block.
    /// </summary>
    public async Task<T?> ReadOneAsync<T>(Guid tenantId, string sql, DynamicParameters parameters, CancellationToken ct)
    {
        var explicitTransaction = scopeCommand == ScopeCommand.SetLocal;
        await using var db = await DbSession.BeginAsync(dataSource, new Dictionary<string, string> { [TenantSetting] = tenantId.ToString() },
            scopeCommand, tenantId, ct, transaction: explicitTransaction);
        var row = await db.QuerySingleOrDefaultAsync<T>(sql, parameters);
        if (explicitTransaction) await db.CommitAsync();
        return row;
    }

    /// <summary>A transaction over the platform admin's tenant registry (the tenants table only).</summary>
    public Task<DbSession> BeginPlatformAsync(CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string> { [ScopeSetting] = "platform" }, scopeCommand, tenantId: null, ct);

    /// <summary>
    /// A read-only look at every tenant's rollup progress (rollup_state only, by its monitoring policy), for the
    /// figures' staleness on /metrics: what is read leaves the process as one number, never a tenant's row.
    /// </summary>
    public Task<DbSession> BeginMonitoringAsync(CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string> { [ScopeSetting] = "monitoring" }, scopeCommand, tenantId: null, ct);

    /// <summary>Registers a new tenant and writes its first rows in one transaction.</summary>
    public Task<DbSession> BeginTenantCreationAsync(Guid tenantId, CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string>
        {
            [ScopeSetting] = "platform",
            [TenantSetting] = tenantId.ToString(),
        }, scopeCommand, tenantId, ct);

    /// <summary>A transaction that may read the one API key whose hash it presents.</summary>
    public Task<DbSession> BeginKeyLookupAsync(byte[] keyHash, CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string> { [KeyHashSetting] = Convert.ToHexStringLower(keyHash) }, scopeCommand, tenantId: null, ct);

    /// <summary>A transaction that may read the one job handle whose id it presents (the platform admin following a job).</summary>
    public Task<DbSession> BeginJobLookupAsync(Guid jobId, CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string> { [JobIdSetting] = jobId.ToString() }, scopeCommand, tenantId: null, ct);

    /// <summary>
    /// A key-less public read of the tenant whose code it presents: by policy it may read that tenant's registry row and its
    /// published editions, and nothing else (no app.tenant_id: no org unit, report or rollup of any tenant). A code outside
    /// the alphabet of codes (letters, digits, <c>_ . -</c>) names no tenant and is presented as none, so that it can be
    /// written as a SET LOCAL's literal.
    /// </summary>
    public Task<DbSession> BeginPublicReadAsync(string tenantCode, CancellationToken ct) =>
        DbSession.BeginAsync(dataSource, new Dictionary<string, string>
        {
            [PublicTenantSetting] = ScopeStatement.IsLiteralSafe(tenantCode) ? tenantCode : "",
        }, scopeCommand, tenantId: null, ct);

    /// <summary>Within a key-lookup transaction, switch to the key's tenant once the key is known.</summary>
    public static Task EnterTenantAsync(DbSession db, Guid tenantId) => db.EnterTenantAsync(tenantId);
}
