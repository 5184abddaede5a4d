using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using FluentValidation;

namespace Aggregator.Api.Features.Reports.List;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    /// <summary>Only this year.</summary>
    [QueryParam]
    public int? Year { get; init; }
    /// <summary>Only this org unit and the units below it.</summary>
    [QueryParam]
    public string? OrgUnit { get; init; }
    [QueryParam]
    public int Page { get; init; } = 1;
    [QueryParam]
    public int PageSize { get; init; } = 50;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Page).InclusiveBetween(1, 100_000);
            RuleFor(r => r.PageSize).InclusiveBetween(1, 500);
            RuleFor(r => r.OrgUnit).Matches(Codes.Pattern).When(r => r.OrgUnit is not null);
        }
    }
}

/// <summary>
/// Who reported: the unit, the year, the current version and when and by which key it was sent (its id,
/// <c>admin</c> for the platform admin, and its name). <c>status</c>: the current version's review status;
/// <c>countedVersion</c>: the version the figures count (null while none is accepted); <c>locked</c>: accepted and not reopened.
/// </summary>
public sealed record Item(string OrgUnit, string OrgUnitName, int Year, [property: Vocabulary(Vocabularies.Templates)] string Template, int Version, DateTime ReportedAt, string ReportedBy,
    string? ReportedByName,
    [property: Vocabulary(Vocabularies.ReviewStatuses)] string Status, int? CountedVersion, bool Locked);

public sealed record Response(IReadOnlyList<Item> Items, int Page, int PageSize, long Total);
