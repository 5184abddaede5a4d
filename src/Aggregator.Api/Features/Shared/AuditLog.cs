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

    private const string InsertSql = """
        INSERT INTO audit_log (tenant_id, actor, action, subject, org_unit_id, year, details)
        VALUES (@auditTenantId, @auditActor, @auditAction, @auditSubject, @auditOrgUnitId, @auditYear, @auditDetails::jsonb)
        """;

    /// <summary>The insert as one statement of a longer command (which reads a result of every statement): it answers a count.</summary>
    public const string CountedInsertSql = $"WITH added AS ({InsertSql} RETURNING 1) SELECT count(*) FROM added";

    public static Task AppendAsync(DbSession db, Guid tenantId, string actor, string action, AuditSubject subject, object? details = null) =>
        db.ExecuteAsync(InsertSql, new AuditEntry(tenantId, actor, action, subject, details).Parameters());

    internal static string Serialize(object? details) => JsonSerializer.Serialize(details ?? new { }, Details);
}

/// <summary>One entry of the audit log, for <see cref="AuditLog.CountedInsertSql"/> in a command of several statements.</summary>
public sealed record AuditEntry(Guid TenantId, string Actor, string Action, AuditSubject Subject, object? Details)
{
    public object Parameters() => new
    {
        auditTenantId = TenantId, auditActor = Actor, auditAction = Action, auditSubject = Subject.Text,
        auditOrgUnitId = Subject.OrgUnitId, auditYear = Subject.Year, auditDetails = AuditLog.Serialize(Details),
    };
}
