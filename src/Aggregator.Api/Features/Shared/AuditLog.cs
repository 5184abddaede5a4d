using System.Text.Json;
using Aggregator.Data;

namespace Aggregator.Api.Features.Shared;

/// <summary>What an audit entry is about: its text, and the unit and year it can be filtered by.</summary>
public sealed record AuditSubject(string Text, long? OrgUnitId = null, int? Year = null)
{
    public static AuditSubject Report(string orgCode, long orgUnitId, int year) => new($"{orgCode}/{year}", orgUnitId, year);

    public static implicit operator AuditSubject(string text) => new(text);
}

/// <summary>Appends to the tenant's audit log inside the caller's transaction.</summary>
public static class AuditLog
{
    // camelCase, as every answer of the API: details are often the request itself (PascalCase C# properties).
    private static readonly JsonSerializerOptions Details = new(JsonSerializerDefaults.Web);

    public static Task AppendAsync(DbSession db, Guid tenantId, string actor, string action, AuditSubject subject, object? details = null)
    {
        const string sql = """
            INSERT INTO audit_log (tenant_id, actor, action, subject, org_unit_id, year, details)
            VALUES (@tenantId, @actor, @action, @subject, @orgUnitId, @year, @details::jsonb)
            """;
        return db.ExecuteAsync(sql, new
        {
            tenantId, actor, action, subject = subject.Text, orgUnitId = subject.OrgUnitId, year = subject.Year,
            details = JsonSerializer.Serialize(details ?? new { }, Details),
        });
    }
}
