using System.Text.Json;
using Aggregator.Api.Auth;
using Aggregator.Data;

namespace Aggregator.Api.Features.Imports;

internal static class Data
{
    /// <summary>Who sent an import and what: the job acts as that key, within its scope.</summary>
    public sealed record ImportRow(string ApiKeyId, string Role, long? OrgUnitId, string FileName, byte[]? Content, int Rows, bool DryRun,
        string? Summary);

    public static Task InsertAsync(DbSession db, Guid tenantId, Guid importId, string apiKeyId, string role, long? orgUnitId,
        string fileName, byte[] content, int rows, bool dryRun)
    {
        const string sql = """
            INSERT INTO csv_imports (tenant_id, import_id, api_key_id, role, org_unit_id, file_name, content, rows, dry_run)
            VALUES (@tenantId, @importId, @apiKeyId, @role, @orgUnitId, @fileName, @content, @rows, @dryRun)
            """;
        return db.ExecuteAsync(sql, new { tenantId, importId, apiKeyId, role, orgUnitId, fileName, content, rows, dryRun });
    }

    public static Task<ImportRow?> FindAsync(DbSession db, Guid tenantId, Guid importId)
    {
        const string sql = """
            SELECT api_key_id AS ApiKeyId, role AS Role, org_unit_id AS OrgUnitId, file_name AS FileName, content AS Content,
                   rows AS Rows, dry_run AS DryRun, summary::text AS Summary
            FROM csv_imports WHERE tenant_id = @tenantId AND import_id = @importId
            """;
        return db.QuerySingleOrDefaultAsync<ImportRow>(sql, new { tenantId, importId });
    }

    /// <summary>The summary kept; the file dropped, as nothing reads it again.</summary>
    public static Task FinishAsync(DbSession db, Guid tenantId, Guid importId, ImportSummary summary)
    {
        const string sql = """
            UPDATE csv_imports SET summary = @summary::jsonb, content = NULL, finished_at = now()
            WHERE tenant_id = @tenantId AND import_id = @importId
            """;
        return db.ExecuteAsync(sql, new { tenantId, importId, summary = JsonSerializer.Serialize(summary, ImportJob.Json) });
    }

    /// <summary>Refused (the key that sent it was revoked): the file dropped, no summary; the job's error says why.</summary>
    public static Task RefuseAsync(DbSession db, Guid tenantId, Guid importId)
    {
        const string sql = """
            UPDATE csv_imports SET content = NULL, finished_at = now()
            WHERE tenant_id = @tenantId AND import_id = @importId
            """;
        return db.ExecuteAsync(sql, new { tenantId, importId });
    }

    /// <summary>The codes of the units the importing key reaches, with their ids.</summary>
    public static async Task<Dictionary<string, long>> UnitsAsync(DbSession db, OrgScope scope)
    {
        const string sql = $"SELECT o.code AS Code, o.org_unit_id AS Id FROM org_units o WHERE {OrgScope.SqlFilter}";
        var units = await db.QueryAsync<(string Code, long Id)>(sql, scope);
        return units.ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);
    }

    /// <summary>The stored reports' content hashes and locks: what a dry run compares with.</summary>
    public static async Task<Dictionary<(long OrgUnitId, int Year), (byte[] Hash, bool Locked)>> CurrentAsync(DbSession db, Guid tenantId)
    {
        const string sql = """
            SELECT org_unit_id AS OrgUnitId, year AS Year, content_hash AS Hash, locked AS Locked
            FROM reports WHERE tenant_id = @tenantId
            """;
        var rows = await db.QueryAsync<(long OrgUnitId, int Year, byte[] Hash, bool Locked)>(sql, new { tenantId });
        return rows.ToDictionary(r => (r.OrgUnitId, r.Year), r => (r.Hash, r.Locked));
    }

    public static Task<(string Code, string Path)> KeyUnitAsync(DbSession db, Guid tenantId, long orgUnitId)
    {
        const string sql = "SELECT code AS Code, path::text AS Path FROM org_units WHERE tenant_id = @tenantId AND org_unit_id = @orgUnitId";
        return db.QuerySingleAsync<(string Code, string Path)>(sql, new { tenantId, orgUnitId });
    }

    public static Task<(string Code, string TimeZone)> TenantAsync(DbSession db, Guid tenantId)
    {
        const string sql = "SELECT code AS Code, time_zone AS TimeZone FROM tenants WHERE tenant_id = @tenantId";
        return db.QuerySingleAsync<(string Code, string TimeZone)>(sql, new { tenantId });
    }
}
