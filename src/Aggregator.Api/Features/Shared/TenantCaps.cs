using Aggregator.Api.Errors;
using Aggregator.Data;

namespace Aggregator.Api.Features.Shared;

/// <summary>
/// Caps on what one tenant may create (API keys, org units), so that no tenant grows what every tenant shares. The
/// count and the insert after it are made race-safe by a transaction-level advisory lock per (tenant, kind): two
/// creations at the boundary queue on it, and the second counts what the first committed (READ COMMITTED takes a new
/// snapshot per statement). The tenants row is left alone: review and versions take shares of it.
/// </summary>
public static class TenantCaps
{
    /// <summary>What is capped: its lock's name, the SQL that counts it in the transaction's tenant, and words for the answer.</summary>
    public sealed record Cap(string Kind, string CountSql, string Setting, string Noun);

    public static readonly Cap ApiKeys = new("api-keys",
        "SELECT count(*) FROM api_keys WHERE tenant_id = @tenantId AND revoked_at IS NULL",
        "Aggregator:ApiKeys:MaxPerTenant", "有效的 API 密钥");

    public static readonly Cap OrgUnits = new("org-units",
        "SELECT count(*) FROM org_units WHERE tenant_id = @tenantId",
        "Aggregator:OrgUnits:MaxPerTenant", "单位");

    /// <summary>
    /// Within the creating transaction, before the insert: waits for any other creation of the same kind in the tenant
    /// to commit, then 409 (<c>/problems/tenant-cap</c>, naming the setting) when the tenant already holds <paramref name="max"/>.
    /// </summary>
    public static async Task RequireRoomAsync(DbSession db, Cap cap, int max)
    {
        var tenantId = db.Tenant;
        await db.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@name, 0))", new { name = $"cap/{cap.Kind}/{tenantId}" });
        var count = await db.QuerySingleAsync<long>(cap.CountSql, new { tenantId });
        if (count < max) return;
        throw new ProblemException(StatusCodes.Status409Conflict,
            $"本租户已有 {count:N0} 个{cap.Noun}，达到上限 {max:N0}（设置 {cap.Setting}）。请先吊销或清理不再使用的，或请运维人员调高该设置。",
            new Dictionary<string, object?> { ["setting"] = cap.Setting, ["limit"] = max },
            type: ProblemTypes.TenantCap);
    }
}
