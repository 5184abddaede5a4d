using Aggregator.Api.Auth;
using Aggregator.Api.Features.Reports.Shared;

namespace Aggregator.Api.Features.Reports.Storing;

/// <summary>A validated report on its way to becoming a version, with the request's preconditions.</summary>
public sealed record Submission(
    Caller Caller,
    Guid TenantId,
    string TenantCode,
    string OrgCode,
    int Year,
    ReportContent Content,
    IReadOnlyList<RuleFinding> Warnings,
    string? Note,
    string AuditAction,
    Preconditions Preconditions);

/// <summary>If-Match and Idempotency-Key as sent; <see cref="RequestHash"/> identifies "the same request" for retries.</summary>
public sealed record Preconditions(string? IfMatch, string? IdempotencyKey, byte[] RequestHash)
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static Preconditions From(HttpRequest request, byte[] requestHash)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        var key = request.Headers[IdempotencyHeader].ToString();
        if (key.Length > 200 || key.Any(char.IsControl))
            throw Errors.ProblemException.Invalid(IdempotencyHeader, $"{IdempotencyHeader} must be at most 200 printable characters.");
        return new Preconditions(ifMatch.Length == 0 ? null : ifMatch, key.Length == 0 ? null : key, requestHash);
    }
}

/// <summary>
/// The version as stored, from which each endpoint builds its answer: a new one, or — <see cref="Unchanged"/> —
/// the current one when the submission was identical to it. <see cref="Warnings"/> are those stored with it.
/// </summary>
public sealed record StoredVersion(int Version, string ETag, string Location, DateTime CreatedAt,
    IReadOnlyList<RuleFinding> Warnings, bool Unchanged);

/// <summary>An answer exactly as sent, so that a retry can be sent the same bytes.</summary>
public sealed record StoredAnswer(int Status, string Body, string? Location, string? ETag);
