using Aggregator.Api.Auth;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Errors.Texts;

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
    Preconditions Preconditions)
{
    /// <summary>Import of past years: when the report was made, for timeliness (otherwise the time it is stored).</summary>
    public DateTimeOffset? ReportedAt { get; init; }

    /// <summary>
    /// Accepted by the caller as it is stored, whatever the review setting: past years loaded by a tenant-admin at
    /// the root, who may accept any unit's report. A reviewer's lock on the year still refuses it.
    /// </summary>
    public bool AcceptOnStore { get; init; }

    /// <summary>Where a handed-up version comes from (<see cref="VersionSource"/>); stored with it, not part of its content.</summary>
    public VersionSource? Source { get; init; }
}

/// <summary>If-Match and Idempotency-Key as sent; <see cref="RequestHash"/> identifies "the same request" for retries.</summary>
public sealed record Preconditions(string? IfMatch, string? IdempotencyKey, byte[] RequestHash)
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static Preconditions From(HttpRequest request, byte[] requestHash)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        var key = request.Headers[IdempotencyHeader].ToString();
        if (key.Length > 200 || key.Any(char.IsControl))
            throw Errors.ProblemException.Invalid(IdempotencyHeader, ProblemText.IdempotencyKeyTooLong(IdempotencyHeader));
        return new Preconditions(ifMatch.Length == 0 ? null : ifMatch, key.Length == 0 ? null : key, requestHash);
    }
}

/// <summary>
/// The version as stored, from which each endpoint builds its answer: a new one, or — <see cref="Unchanged"/> —
/// the current one when the submission was identical to it. <see cref="Warnings"/> are those stored with it.
/// </summary>
public sealed record StoredVersion(int Version, string ETag, string Location, DateTime CreatedAt,
    IReadOnlyList<RuleFinding> Warnings, bool Unchanged, VersionStatus Status);

/// <summary>A version's review status, who moved it there (<c>system</c>: accepted on receipt, review off) and when.</summary>
public sealed record VersionStatus(
    [property: Aggregator.Api.OpenApi.Vocabulary(Aggregator.Api.OpenApi.Vocabularies.ReviewStatuses)] string Status,
    string By, DateTime At, string? Comment);

/// <summary>An answer exactly as sent, so that a retry can be sent the same bytes.</summary>
public sealed record StoredAnswer(int Status, string Body, string? Location, string? ETag);
