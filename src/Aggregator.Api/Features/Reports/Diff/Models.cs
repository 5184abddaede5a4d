using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Reports.Shared;
using FastEndpoints;
using FluentValidation;

namespace Aggregator.Api.Features.Reports.Diff;

public sealed class Request : ReportRequest
{
    public int V { get; init; }
    /// <summary>The version to compare with (query <c>against</c>).</summary>
    [QueryParam]
    public int Against { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Against).GreaterThan(0).WithMessage("against must name a version (1, 2, …).");
    }
}

public sealed record Change(string Code, decimal? From, decimal? To);

public sealed record Cell(string Code, decimal? Value);

/// <summary>
/// What changed from version <c>against</c> to version <c>version</c>. A cell present in both with a different
/// value (null counts as a value: missing ≠ 0) is changed; present in one only, added or removed. Between
/// versions of different templates no code is comparable: every cell is removed and added.
/// </summary>
public sealed record Response(int Version, int Against, [property: Vocabulary(Vocabularies.Templates)] string Template, [property: Vocabulary(Vocabularies.Templates)] string AgainstTemplate,
    IReadOnlyList<Change> Changed, IReadOnlyList<Cell> Added, IReadOnlyList<Cell> Removed);
