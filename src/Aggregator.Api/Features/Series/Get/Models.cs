using Aggregator.Api.Features.Shared;
using Aggregator.Api.OpenApi;
using FastEndpoints;
using FluentValidation;

namespace Aggregator.Api.Features.Series.Get;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    [QueryParam] public string Indicator { get; init; } = "";
    [QueryParam] public int? From { get; init; }
    [QueryParam] public int? To { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Indicator).NotEmpty().MaximumCharacters(100);
            RuleFor(r => r.To).Must((r, to) => r.From is null || to is null || r.From <= to).WithMessage("from must not be after to.");
        }
    }
}

/// <summary>source: "rollup" for a unit with units below it (stored figures), "report" for a unit's own current report.</summary>
public sealed record Response(string OrgUnit, string Indicator, string Source, IReadOnlyList<Point> Points);

public sealed record Point(int Year, [property: Vocabulary(Vocabularies.Templates)] string Template, decimal? Value, int? Reporters, DateTime? ComputedAt, bool? Stale);
