using System.Text.Json;
using Aggregator.Data;

namespace Aggregator.Api.Features.Shared;

/// <summary>Appends to the tenant's audit log inside the caller's transaction.</summary>
public static class AuditLog
{
    public static Task AppendAsync(DbSession db, Guid tenantId, string actor, string action, string subject, object? details = null)
    {
        const string sql = """
            INSERT INTO audit_log (tenant_id, actor, action, subject, details)
            VALUES (@tenantId, @actor, @action, @subject, @details::jsonb)
            """;
        return db.ExecuteAsync(sql, new { tenantId, actor, action, subject, details = JsonSerializer.Serialize(details ?? new { }) });
    }
}
