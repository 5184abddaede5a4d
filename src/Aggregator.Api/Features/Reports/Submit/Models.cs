using Aggregator.Api.Features.Shared;
using System.Text.Json;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Reports.Shared;
using FastEndpoints;
using FluentValidation;

namespace Aggregator.Api.Features.Reports.Submit;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }
    /// <summary>The template code, e.g. bj-gip-2017; it must apply to the year.</summary>
    [Vocabulary(Vocabularies.Templates)]
    public string Template { get; init; } = "";
    /// <summary>Indicator code → number or null (reported empty). Kept as JSON so that a bad value is reported against its indicator.</summary>
    [ReportValues]
    public JsonElement Values { get; init; }
    /// <summary>Optional, e.g. what this version corrects.</summary>
    public string? Note { get; init; }
    /// <summary>Optional: the tenant this consolidated version comes from, when a lower level hands its year up. Not part of the content: the same figures with another source are unchanged.</summary>
    public VersionSource? Source { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator(TimeProvider clock)
        {
            // The tenant's own calendar is checked once the tenant is known; this bound holds for every tenant.
            RuleFor(r => r.Year).Must(year => ReportYears.Accepts(year, ReportYears.LatestAnywhere(clock)))
                .WithMessage(_ => ReportYears.Message(ReportYears.LatestAnywhere(clock)));
            RuleFor(r => r.Template).NotEmpty();
            RuleFor(r => r.Values).WithinEntryBound();
            RuleFor(r => r.Note).MaximumCharacters(ReportNotes.MaxCharacters);
            RuleFor(r => r.Source!).SetValidator(new VersionSource.Validator()).When(r => r.Source is not null);
        }
    }
}

/// <summary>
/// The stored version. Warnings are stored with it and shown on every read. <c>unchanged</c>: the report was
/// identical to the current version, which is answered (200) and nothing was stored. <c>status</c>: accepted on
/// receipt while the tenant's review is off (<c>statusBy</c> system); submitted, waiting for a reviewer, when it is required.
/// </summary>
public sealed record Response(string OrgUnit, int Year, [property: Vocabulary(Vocabularies.Templates)] string Template, int Version, string Etag,
    IReadOnlyList<RuleFinding> Warnings, DateTime ReportedAt, bool Unchanged,
    [property: Vocabulary(Vocabularies.ReviewStatuses)] string Status, string StatusBy, DateTime StatusAt, string? StatusComment);

/// <summary>What the OpenAPI document shows: part of the seed report of 陶然亭街道 for 2017 (3.1 = 3.1.1 + … + 3.1.4; 7 left empty).</summary>
internal static class Examples
{
    public static readonly object Request = new
    {
        template = "bj-gip-2017",
        values = new Dictionary<string, decimal?>
        {
            ["1.1"] = 975, ["1.1.1"] = 0, ["1.1.2"] = 0, ["3.1"] = 3, ["3.1.1"] = 0, ["3.1.2"] = 0, ["3.1.3"] = 2, ["3.1.4"] = 1, ["7"] = null,
        },
        note = "Corrects 3.1.3 (letters, not e-mails).",
    };

    public static readonly Response Created = new("110102003", 2017, "bj-gip-2017", 2, "\"v2-cf745d5cb8dc60cd\"", [],
        new DateTime(2018, 1, 20, 2, 30, 0, DateTimeKind.Utc), Unchanged: false,
        "submitted", "key:0f8c2d1e-5b7a-4e9c-9d41-3a6b2c8e7f10", new DateTime(2018, 1, 20, 2, 30, 0, DateTimeKind.Utc), null);
}
