using Aggregator.Api.OpenApi;
using System.ComponentModel.DataAnnotations;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Import;
using Aggregator.Api.Features.Reports.Shared;

namespace Aggregator.Api.OpenApi;

// The bodies of this API's error answers, as the OpenAPI document describes them. They are written by
// ProblemWriter and ProblemStyle (from ASP.NET's ProblemDetails and its extensions); these types exist
// to document exactly what those write, and the contract test holds the two together.

/// <summary>RFC 9457 problem details: the members every error answer of this API has.</summary>
public class Problem
{
    /// <summary>
    /// What kind of problem: a problem type of this API (<c>/problems/&lt;slug&gt;</c>, e.g.
    /// <c>/problems/idempotency-key-reused</c>), or the RFC 9110 section of the status
    /// (<c>https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5</c>).
    /// </summary>
    [RegularExpression(@"^(/problems/[a-z0-9-]+|https://www\.rfc-editor\.org/rfc/rfc(9110|6585)#section-[0-9.]+|about:blank)$")]
    public required string Type { get; init; }

    /// <summary>The status's reason phrase, e.g. Not Found.</summary>
    public required string Title { get; init; }

    /// <summary>The HTTP status, repeated.</summary>
    public required int Status { get; init; }

    /// <summary>What went wrong with this request, for a person to read.</summary>
    public required string Detail { get; init; }

    /// <summary>The request path the problem occurred on.</summary>
    public required string Instance { get; init; }

    /// <summary>The W3C trace context of the request (traceparent format); quote it when reporting a problem.</summary>
    [RegularExpression("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")]
    public required string TraceId { get; init; }
}

/// <summary>400: the request is malformed or fields are invalid; <c>errors</c> names each field (empty when the request as a whole could not be read).</summary>
public sealed class ValidationProblem : Problem
{
    /// <summary>One entry per invalid field.</summary>
    public required IReadOnlyList<FieldError> Errors { get; init; }
}

/// <summary>
/// 422: the request is well formed but cannot be accepted. For a report that breaks its template's rules
/// <c>rules</c> lists every failing error rule and <c>warnings</c> the failing warning rules; an import adds
/// what it read from the document. Nothing was stored.
/// </summary>
public sealed class RuleProblem : Problem
{
    /// <summary>The template the report was checked against.</summary>
    [Vocabulary(Vocabularies.Templates)]
    public string? Template { get; init; }

    /// <summary>Every failing error rule: its id, the indicators it names, and its message.</summary>
    public IReadOnlyList<RuleFinding>? Rules { get; init; }

    /// <summary>The failing warning rules; warnings alone never reject a report.</summary>
    public IReadOnlyList<RuleFinding>? Warnings { get; init; }

    /// <summary>Import only: the values read from the document, in template order.</summary>
    public IReadOnlyDictionary<string, decimal?>? Values { get; init; }

    /// <summary>Import only: table rows whose label matched no indicator.</summary>
    public IReadOnlyList<UnmappedText>? Unmapped { get; init; }

    /// <summary>Import only: indicators of the template the document had no row for.</summary>
    public IReadOnlyList<string>? NotFound { get; init; }

    /// <summary>Import: how the document was read (<c>text</c> or <c>docx</c>).</summary>
    public string? Format { get; init; }

    /// <summary>Import of a .txt: how its bytes were decoded.</summary>
    [Vocabulary(Vocabularies.TextEncodings)]
    public string? Encoding { get; init; }

    /// <summary>year-mismatch: the year the document names (its statistics table's header, else its title).</summary>
    public int? DocumentYear { get; init; }

    /// <summary>year-mismatch: the year of the route the document was sent to.</summary>
    public int? Year { get; init; }

    /// <summary>unrecognised-document: the table rows read from the document.</summary>
    public int? RowsRead { get; init; }

    /// <summary>unrecognised-document: how many of them are rows of the expected template.</summary>
    public int? RowsMatched { get; init; }

    /// <summary>unrecognised-document: how many indicators those rows gave values for.</summary>
    public int? IndicatorsMapped { get; init; }

    /// <summary>unrecognised-document: the template whose layout the table has instead, if one fits it.</summary>
    [Vocabulary(Vocabularies.Templates)]
    public string? MatchingTemplate { get; init; }

    /// <summary>upstream-refused: why upstream refused the link: key-refused, not-a-reporter-of-the-unit, unreachable, upstream-error or self.</summary>
    public string? Reason { get; init; }
}

/// <summary>412: If-Match does not name the current version; read it and send again.</summary>
public sealed class PreconditionProblem : Problem
{
    /// <summary>The current version's number, when the report has one.</summary>
    public int? CurrentVersion { get; init; }

    /// <summary>The current version's ETag, to send as If-Match after reading it.</summary>
    public string? CurrentEtag { get; init; }
}

/// <summary>409: the request conflicts with the state of the resource; a tenant at a cap (<c>/problems/tenant-cap</c>) names the setting.</summary>
public sealed class ConflictProblem : Problem
{
    /// <summary>tenant-cap: the setting that caps what the tenant may create, e.g. <c>Aggregator:ApiKeys:MaxPerTenant</c>.</summary>
    public string? Setting { get; init; }

    /// <summary>tenant-cap: the setting's value, which the tenant has reached.</summary>
    public int? Limit { get; init; }

    /// <summary>incomplete (handing a year up): the units not counted, missing or awaiting review.</summary>
    public IReadOnlyList<string>? Missing { get; init; }

    /// <summary>incomplete (handing a year up): the units whose newest version awaits review.</summary>
    public IReadOnlyList<string>? AwaitingReview { get; init; }
}

/// <summary>404: nothing there, or nothing the key may know exists. <c>reason</c> tells figures that are on their way from figures that cannot exist.</summary>
public sealed class NotFoundProblem : Problem
{
    /// <summary><c>being-computed</c>: the figures are queued, try again shortly; <c>no-reports</c>: a year has no reports to compute from. Absent when the resource does not exist.</summary>
    [Vocabulary(Vocabularies.NotFoundReasons)]
    public string? Reason { get; init; }
}
