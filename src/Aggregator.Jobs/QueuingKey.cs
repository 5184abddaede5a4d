using Aggregator.Data;

namespace Aggregator.Jobs;

/// <summary>
/// A job acts in the name of the key that queued it (a CSV import, later a hand-up to the upstream tenant), so the key is
/// checked again when the job runs, and in every transaction that writes in its name: a key revoked while its job waited
/// or ran stores nothing more. The key's row is read FOR SHARE, so a revocation waits for the transaction that checked
/// the key to commit, and the next one sees it.
/// </summary>
public static class QueuingKey
{
    /// <summary>Within <paramref name="db"/> (the job's tenant transaction): <see cref="JobRefusedException"/> unless the key is a live key of the tenant.</summary>
    /// <param name="db">The job's transaction, scoped to the tenant.</param>
    /// <param name="apiKeyId">The id of the key that queued the job, as recorded with it.</param>
    public static async Task RequireActiveAsync(DbSession db, string apiKeyId)
    {
        if (!Guid.TryParse(apiKeyId, out var keyId))
            throw new JobRefusedException(JobRefusedException.NoTenantKey,
                $"此任务由密钥 '{apiKeyId}' 排队，它不是本租户的 API 密钥（平台管理员不填报、不导入报表）：任务未执行，什么也没有存储。");
        const string sql = """
            SELECT revoked_at AS RevokedAt FROM api_keys WHERE tenant_id = @tenantId AND api_key_id = @keyId FOR SHARE
            """;
        var row = await db.QuerySingleOrDefaultAsync<KeyRow>(sql, new { tenantId = db.Tenant, keyId });
        if (row is null)
            throw new JobRefusedException(JobRefusedException.KeyRevoked,
                $"排队此任务的 API 密钥 {keyId} 已不存在：任务未执行，什么也没有存储。");
        if (row.RevokedAt is { } revokedAt)
            throw new JobRefusedException(JobRefusedException.KeyRevoked,
                $"排队此任务的 API 密钥 {keyId} 已于 {revokedAt:yyyy-MM-dd HH:mm:ss} UTC 被吊销：此后任务不再以它的名义存储任何内容。");
    }

    private sealed record KeyRow(DateTime? RevokedAt);
}

/// <summary>
/// A job that may not run (any more) in its key's name. Thrown out of the job, it leaves the job Failed with this message
/// as its error (GET /api/v1/jobs/{id}); <see cref="Code"/> is the stable code, first in the message.
/// </summary>
public sealed class JobRefusedException(string code, string detail) : Exception($"{code}: {detail}")
{
    /// <summary>The key that queued the job was revoked (or is gone).</summary>
    public const string KeyRevoked = "key-revoked";
    /// <summary>The job was queued by no tenant key (the platform admin, which writes no reports).</summary>
    public const string NoTenantKey = "no-tenant-key";

    public string Code { get; } = code;
}
