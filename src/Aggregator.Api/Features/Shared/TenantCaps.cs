using Aggregator.Api.Errors;
using Aggregator.Data;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Shared;

/// <summary>
/// Caps on what one tenant may create (API keys, org units), so that no tenant grows what every tenant shares. The
/// count and the insert after it are made race-safe by a transaction-level advisory lock per (tenant, kind): two
/// creations at the boundary queue on it, and the second counts what the first committed (READ COMMITTED takes a new
/// snapshot per statement). The tenants row is left alone: review and versions take shares of it.
/// </summary>
public static class TenantCaps
{
    /// <summary>What is capped: its lock's name, the SQL that counts it in the transaction's tenant, and the name of its words for the answer (a ProblemText).</summary>
    public sealed record Cap(string Kind, string CountSql, string Setting, string Noun);

    public static readonly Cap ApiKeys = new("api-keys",
        "SELECT count(*) FROM api_keys WHERE tenant_id = @tenantId AND revoked_at IS NULL",
        "Aggregator:ApiKeys:MaxPerTenant", nameof(ProblemText.CapApiKeys));

    public static readonly Cap OrgUnits = new("org-units",
        "SELECT count(*) FROM org_units WHERE tenant_id = @tenantId",
        "Aggregator:OrgUnits:MaxPerTenant", nameof(ProblemText.CapOrgUnits));

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
            ProblemText.CapReached(count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), ProblemText.Get(cap.Noun),
                max.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), cap.Setting),
            new Dictionary<string, object?> { ["setting"] = cap.Setting, ["limit"] = max },
            type: ProblemTypes.TenantCap);
    }
}
