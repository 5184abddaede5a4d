using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.OpenApi;

namespace Aggregator.Api.Features.Settings;

/// <summary>
/// The tenant's settings. <c>review</c>: <c>off</c> — every version counts on receipt; <c>required</c> — a version
/// counts once a reviewer accepts it. <c>timeZone</c> (set when the tenant was created) decides its calendar and deadlines.
/// </summary>
public sealed record SettingsView([property: Vocabulary(Vocabularies.ReviewModes)] string Review, string TimeZone);

internal static class Data
{
    public static Task<SettingsView> ReadAsync(Aggregator.Data.DbSession db) =>
        db.QuerySingleAsync<SettingsView>("SELECT review AS Review, time_zone AS TimeZone FROM tenants WHERE tenant_id = @tenantId",
            new { tenantId = db.Tenant });

    /// <summary>The previous setting, the tenants row locked so that two changes apply one after the other.</summary>
    public static Task<string> LockReviewAsync(Aggregator.Data.DbSession db) =>
        db.QuerySingleAsync<string>("SELECT review FROM tenants WHERE tenant_id = @tenantId FOR UPDATE", new { tenantId = db.Tenant });

    public static Task SetReviewAsync(Aggregator.Data.DbSession db, string review) =>
        db.ExecuteAsync("UPDATE tenants SET review = @review WHERE tenant_id = @tenantId", new { tenantId = db.Tenant, review });
}

internal static class Examples
{
    public static readonly SettingsView Settings = new(ReviewModes.Required, "Asia/Shanghai");
}
