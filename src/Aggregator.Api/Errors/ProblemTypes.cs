namespace Aggregator.Api.Errors;

/// <summary>
/// The <c>type</c> of a problem: a relative URI of this API (<c>/problems/&lt;slug&gt;</c>) for the failures it
/// names itself, otherwise the section of RFC 9110 (or RFC 6585) that defines the status.
/// </summary>
public static class ProblemTypes
{
    public const string Base = "/problems/";

    // The slugs of this API's own problems (ProblemException's type), all in one list.
    /// <summary>422: a report without a single figure.</summary>
    public const string EmptyReport = "empty-report";
    /// <summary>422: an imported document whose table is not the template's.</summary>
    public const string UnrecognisedDocument = "unrecognised-document";
    /// <summary>422: an imported document without any text (an empty file, blanks only, a .docx without text).</summary>
    public const string EmptyDocument = "empty-document";
    /// <summary>422: an imported document naming another year (title, table header) than the one it was sent to.</summary>
    public const string YearMismatch = "year-mismatch";
    /// <summary>422: an imported document beyond the reader's limits (rows, parts, size, nesting).</summary>
    public const string DocumentTooLarge = "document-too-large";
    /// <summary>422: an Idempotency-Key already used for a different request.</summary>
    public const string IdempotencyKeyReused = "idempotency-key-reused";
    /// <summary>409: a new version of a report a reviewer accepted and nobody reopened.</summary>
    public const string ReportLocked = "report-locked";
    /// <summary>409: a review transition the version's status does not allow (accepting a returned version, say).</summary>
    public const string ReviewConflict = "review-conflict";
    /// <summary>
    /// 403: an act that must be someone else's: reviewing a unit's version from a unit not above it or with the key that
    /// reported it, a tenant-admin minting keys at its own unit, the platform admin writing or reviewing reports.
    /// </summary>
    public const string SeparationOfDuties = "separation-of-duties";
    /// <summary>409: a tenant at its cap of API keys or org units; the problem names the setting.</summary>
    public const string TenantCap = "tenant-cap";
    /// <summary>429: the key (or, without one, the address) made too many requests; Retry-After says when to try again.</summary>
    public const string RateLimited = "rate-limited";
    /// <summary>429: the tenant already runs as many expensive reads (quality, downloads, big tables) as it may at once; Retry-After says when to try again.</summary>
    public const string TooManyExpensiveReads = "too-many-expensive-reads";
    /// <summary>503: the database is unreachable or restarting, takes no writes (read-only, disk full) or lacks resources; Retry-After says when to try again.</summary>
    public const string Unavailable = "unavailable";

    private const string Rfc9110 = "https://www.rfc-editor.org/rfc/rfc9110#section-";
    private const string Rfc6585 = "https://www.rfc-editor.org/rfc/rfc6585#section-";

    public static string Of(string slug) => Base + slug;

    /// <summary>The RFC section of a status; <c>about:blank</c> (RFC 9457) for a status no RFC here defines.</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => Rfc9110 + "15.5.1",
        401 => Rfc9110 + "15.5.2",
        403 => Rfc9110 + "15.5.4",
        404 => Rfc9110 + "15.5.5",
        405 => Rfc9110 + "15.5.6",
        406 => Rfc9110 + "15.5.7",
        408 => Rfc9110 + "15.5.9",
        409 => Rfc9110 + "15.5.10",
        410 => Rfc9110 + "15.5.11",
        411 => Rfc9110 + "15.5.12",
        412 => Rfc9110 + "15.5.13",
        413 => Rfc9110 + "15.5.14",
        414 => Rfc9110 + "15.5.15",
        415 => Rfc9110 + "15.5.16",
        416 => Rfc9110 + "15.5.17",
        422 => Rfc9110 + "15.5.21",
        428 => Rfc6585 + "3",
        429 => Rfc6585 + "4",
        431 => Rfc6585 + "5",
        500 => Rfc9110 + "15.6.1",
        501 => Rfc9110 + "15.6.2",
        502 => Rfc9110 + "15.6.3",
        503 => Rfc9110 + "15.6.4",
        504 => Rfc9110 + "15.6.5",
        _ => "about:blank",
    };

    /// <summary>True for a type this API sets on purpose: one of its own, or an RFC section it chose.</summary>
    public static bool IsOurs(string? type, int status) =>
        type is not null && (type.StartsWith(Base, StringComparison.Ordinal) || type == ForStatus(status));
}
