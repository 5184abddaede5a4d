using Aggregator.Api.Features.Shared;
using Aggregator.Api.OpenApi;
using FastEndpoints;
using FluentValidation;

namespace Aggregator.Api.Features.Rollups.Breakdown;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }
    [QueryParam] public string Indicator { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Indicator).NotEmpty().MaximumCharacters(100);
    }
}

public sealed record Response(
    string OrgUnit, int Year, [property: Vocabulary(Vocabularies.Templates)] string Template, string Indicator, DateTime ComputedAt, bool Stale,
    decimal? Total, BreakdownItem? Own, IReadOnlyList<BreakdownItem> Children);

/// <summary>A child unit's figure (its rollup, or its report when it has no units below it), its share of the total in percent and its rank (1 = largest).</summary>
public sealed record BreakdownItem(string OrgUnit, string Name, decimal? Value, decimal? Share, int? Rank);
