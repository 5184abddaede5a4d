using System.Text.Json;
using Aggregator.Data;

namespace Aggregator.Jobs.Upstream;

/// <summary>
/// What upstream did with a hand-up, as read now: <see cref="Status"/> submitted, accepted or returned, with its comment and
/// time; or, when it could not be read, an <see cref="ErrorCode"/> (upstream-unreachable, upstream-key-refused,
/// upstream-not-allowed, upstream-error) and a sentence for people.
/// </summary>
public sealed record UpstreamReview(string? Status, string? Comment, DateTime? StatusAt, string? ErrorCode, string? ErrorDetail);

/// <summary>
/// Reads upstream's review of a delivered hand-up (the version upstream, as its reporter key sees it) and records a move
/// once in the tenant's audit. Both the status endpoint and <see cref="UpstreamStatusPoll"/> go through here, so a return is
/// audited once whichever of them sees it first.
/// </summary>
public sealed class UpstreamReviews(UpstreamClient client, UpstreamKeys keys)
{
    /// <summary>What upstream may answer as a version's status; anything else is an error, never an audit action.</summary>
    public static readonly IReadOnlySet<string> Statuses = new HashSet<string>(StringComparer.Ordinal) { "submitted", "accepted", "returned" };

    /// <summary>Upstream's words are bounded before they are stored or shown: a comment, an error's detail.</summary>
    public const int MaxUpstreamText = 2000;

    /// <summary>Who the audit names for a review upstream: the upstream tenant that accepted or returned, whoever saw it here.</summary>
    public static string Actor(UpstreamLink link) => $"upstream:{link.Tenant}";

    public async Task<UpstreamReview> ReadAsync(Guid tenantId, UpstreamLink link, UpstreamSubmission delivered, CancellationToken ct)
    {
        try
        {
            var path = $"{UpstreamClient.ReportPath(delivered.UpstreamTenant ?? link.Tenant, delivered.UpstreamOrgUnit ?? link.OrgUnit, delivered.Year)}" +
                       $"/versions/{delivered.UpstreamVersion}";
            var answer = await client.GetAsync(link.Url, keys.Unprotect(tenantId, link.KeyProtected), path, ct);
            if (answer.Status == 200 && answer.Body is { } body && answer.Text("status") is { } status && Statuses.Contains(status))
            {
                DateTime? statusAt = body.TryGetProperty("statusAt", out var at) && at.ValueKind == JsonValueKind.String && at.TryGetDateTime(out var when)
                    ? when.ToUniversalTime() : null;
                return new UpstreamReview(status, Bounded(answer.Text("statusComment")), statusAt, null, null);
            }
            if (answer.Status == 401)
                return new UpstreamReview(null, null, null, "upstream-key-refused",
                    $"上级 {link.Tenant} 不再认可本租户的密钥（{link.KeyPrefix}…，HTTP 401）：它已被吊销；请向上级索取新的 reporter 密钥并重新链接（PUT …/upstream）。");
            return new UpstreamReview(null, null, null, "upstream-error",
                $"上级答复 HTTP {answer.Status}：{Bounded(answer.Text("detail") ?? answer.Text("title")) ?? "无说明"}");
        }
        catch (UpstreamUnreachableException unreachable) { return new UpstreamReview(null, null, null, "upstream-unreachable", unreachable.Message); }
        catch (UpstreamNotAllowedException notAllowed) { return new UpstreamReview(null, null, null, "upstream-not-allowed", notAllowed.Message); }
    }

    /// <summary>
    /// Keeps the status seen; a move to accepted or returned goes to the tenant's audit once (a concurrent reader's update
    /// waits for this one's row and then finds nothing to change). The caller commits.
    /// </summary>
    public static async Task<bool> RecordAsync(DbSession db, string actor, UpstreamSubmission delivered, UpstreamReview review)
    {
        if (review.Status is not { } status) return false;
        if (!await UpstreamData.SeeStatusAsync(db, delivered.SubmissionId, status) || status == "submitted") return false;
        await UpstreamData.AuditAsync(db, actor, $"upstream.{status}", delivered.Year, new
        {
            submissionId = delivered.SubmissionId, upstreamVersion = delivered.UpstreamVersion, status, comment = review.Comment, statusAt = review.StatusAt,
        });
        return true;
    }

    /// <summary>Without control characters (PostgreSQL's jsonb refuses NUL) and at most <see cref="MaxUpstreamText"/> characters.</summary>
    private static string? Bounded(string? text)
    {
        if (text is null) return null;
        var clean = new string(text.Where(c => !char.IsControl(c) || c is '\n' or '\t').ToArray());
        return clean.Length <= MaxUpstreamText ? clean : clean[..MaxUpstreamText] + "…";
    }
}
