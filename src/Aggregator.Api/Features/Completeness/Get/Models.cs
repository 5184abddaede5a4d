using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.OpenApi;
using FastEndpoints;
using FluentValidation;

namespace Aggregator.Api.Features.Completeness.Get;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator(TimeProvider clock) => RuleFor(r => r.Year).Must(year => ReportYears.Accepts(year, ReportYears.LatestAnywhere(clock)))
            .WithMessage(_ => ReportYears.Message(ReportYears.LatestAnywhere(clock)));
    }
}

/// <summary>
/// A year's completeness and timeliness below a unit. <c>due</c>: the deadline in the tenant's time zone.
/// <c>expected</c>: units expected to report, each in exactly one of reported, returned and missing
/// (expected = reported + returned + missing.length). <c>reported</c>: units whose newest version stands (awaiting review
/// or accepted), of which <c>onTime</c> first reported no later than <c>due</c> and <c>late</c> after it;
/// <c>awaitingReview</c>: of those, units whose newest version waits for a reviewer; <c>returned</c>: units whose newest
/// version was returned (not reported until they send a new one); <c>missing</c>: units that sent nothing;
/// <c>counted</c>: units with a version that counts (accepted, or review off), a returned unit's earlier accepted one included.
/// </summary>
public sealed record Response(
    int Year, DateTimeOffset Due, int Expected, int Reported, int Counted, int OnTime, int Late, int AwaitingReview, int Returned,
    IReadOnlyList<MissingUnit> Missing, IReadOnlyList<UnitCompleteness> Units);

public sealed record MissingUnit(string OrgUnit, string Name);

/// <summary>
/// One expected unit. <c>status</c>: its newest version's review status, or <c>missing</c>; <c>statusName</c>: the same as
/// people read it (已采用, 待审核, 已退回, 未报送), the words of the page and the workbook. <c>firstReportedAt</c>: when
/// its first version arrived (or the reportedAt an import carried); <c>onTime</c>: that is no later than <c>due</c>
/// (null while missing). <c>countedVersion</c>: the version its figures count, if any. <c>returnComment</c>: while its newest
/// version is returned, the reviewer's comment saying what to correct; otherwise null.
/// </summary>
public sealed record UnitCompleteness(
    string OrgUnit, string Name, [property: Vocabulary(Vocabularies.UnitReportStates)] string Status,
    int? CountedVersion, int? CurrentVersion, DateTimeOffset? FirstReportedAt, bool? OnTime, string? ReturnComment = null)
{
    public string StatusName => Aggregator.Domain.Review.ReviewStatusNames.Of(Status);
}


internal static class Examples
{
    private static readonly DateTimeOffset Due = new(2018, 1, 31, 23, 59, 59, TimeSpan.FromHours(8));

    public static readonly Response Completeness = new(2017, Due, Expected: 4, Reported: 2, Counted: 1, OnTime: 1, Late: 1,
        AwaitingReview: 1, Returned: 1,
        [new MissingUnit("110102015", "广安门外街道")],
        [
            new UnitCompleteness("110102003", "陶然亭街道", "accepted", 1, 1, new DateTimeOffset(2018, 1, 20, 10, 30, 0, TimeSpan.FromHours(8)), true),
            new UnitCompleteness("110102011", "广安门内街道", "submitted", null, 1, new DateTimeOffset(2018, 2, 1, 0, 0, 0, TimeSpan.FromHours(8)), false),
            new UnitCompleteness("110102014", "牛街街道", "returned", null, 1, new DateTimeOffset(2018, 1, 25, 9, 0, 0, TimeSpan.FromHours(8)), true,
                "1.2 重点领域公开信息数与分项之和不符，请核对后重新报送。"),
            new UnitCompleteness("110102015", "广安门外街道", "missing", null, null, null, null),
        ]);
}
