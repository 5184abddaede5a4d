using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Reports.Shared;
using FastEndpoints;

namespace Aggregator.Api.Features.Reports.Diff;

public sealed class Request : ReportRequest
{
    public int V { get; init; }
    /// <summary>
    /// Optional: the version to compare with. Default: the previous version (v − 1); for version 1, an empty report, so
    /// that every cell of version 1 is added. A version that does not exist is a 404.
    /// </summary>
    [QueryParam]
    public int? Against { get; init; }
}

public sealed record Change(string Code, decimal? From, decimal? To);

public sealed record Cell(string Code, decimal? Value);

/// <summary>
/// What changed from version <c>against</c> to version <c>version</c>. A cell present in both with a different
/// value (null counts as a value: missing ≠ 0) is changed; present in one only, added or removed. Between
/// versions of different templates no code is comparable: every cell is removed and added. <c>against</c> and
/// <c>againstTemplate</c> are null when version 1 is compared with nothing (every cell added).
/// </summary>
public sealed record Response(int Version, int? Against, [property: Vocabulary(Vocabularies.Templates)] string Template,
    [property: Vocabulary(Vocabularies.Templates)] string? AgainstTemplate,
    IReadOnlyList<Change> Changed, IReadOnlyList<Cell> Added, IReadOnlyList<Cell> Removed);
