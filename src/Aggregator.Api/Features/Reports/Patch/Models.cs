using System.Text.Json;
using System.Text.Json.Serialization;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.OpenApi;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Patch;

/// <summary>
/// A merge patch (RFC 7396, <c>application/merge-patch+json</c>) of the current version: the figures it names change,
/// every other figure is kept. Members other than these are refused by name.
/// </summary>
// Skip, whatever the serializer's default: the members a patch must not have are gathered in Unknown and refused by name.
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed class Request : ReportRequest
{
    /// <summary>Indicator code → number (sets the cell) or null (empties it). Codes left out keep their value.</summary>
    [ReportValues]
    public JsonElement Values { get; init; }

    /// <summary>The new version's note, e.g. what it corrects. Not inherited: left out or null, the new version has none.</summary>
    public string? Note { get; init; }

    /// <summary>Optional: the template of the version corrected. A patch does not change templates (400); POST a whole version for that.</summary>
    [Vocabulary(Vocabularies.Templates)]
    public string? Template { get; init; }

    /// <summary>Members a patch does not have (refused, 400 naming them).</summary>
    [JsonExtensionData]
    [DontBind(Source.QueryParam | Source.RouteParam | Source.FormField)]
    public Dictionary<string, JsonElement>? Unknown { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator(TimeProvider clock)
        {
            // The tenant's own calendar is checked once the tenant is known; this bound holds for every tenant.
            RuleFor(r => r.Year).Must(year => ReportYears.Accepts(year, ReportYears.LatestAnywhere(clock)))
                .WithMessage(_ => ReportYears.Message(ReportYears.LatestAnywhere(clock)));
            RuleFor(r => r.Values)
                .Must(values => values.ValueKind is JsonValueKind.Undefined or JsonValueKind.Object)
                .WithMessage(_ => ProblemText.PatchValuesObject())
                .WithinEntryBound();
            RuleFor(r => r.Note).MaximumCharacters(2000);
            RuleFor(r => r.Template).NotEmpty().When(r => r.Template is not null);
            RuleFor(r => r.Unknown).Custom((unknown, context) =>
            {
                foreach (var name in unknown?.Keys ?? Enumerable.Empty<string>())
                    context.AddFailure(name, ProblemText.PatchUnknownMember(name));
            });
        }
    }
}

/// <summary>
/// The version stored (201), or the current one when the patch changed nothing (200, <c>unchanged</c>), as a POST of a
/// version answers, and <c>changed</c>: the codes whose value the patch changed (set, emptied or filled), in the
/// template's order.
/// </summary>
public sealed record Response(string OrgUnit, int Year, [property: Vocabulary(Vocabularies.Templates)] string Template, int Version, string Etag,
    IReadOnlyList<RuleFinding> Warnings, DateTime ReportedAt, bool Unchanged,
    [property: Vocabulary(Vocabularies.ReviewStatuses)] string Status, string StatusBy, DateTime StatusAt, string? StatusComment,
    IReadOnlyList<string> Changed);

/// <summary>What the OpenAPI document shows: 陶然亭街道 corrects one figure of its 2017 report.</summary>
internal static class Examples
{
    public static readonly object Request = new
    {
        values = new Dictionary<string, decimal?> { ["1.1"] = 976, ["7"] = null },
        note = "1.1 corrected",
    };

    public static readonly Response Created = new("110102003", 2017, "bj-gip-2017", 3, "\"v3-5b0e8f61a2c94d17\"", [],
        new DateTime(2018, 1, 22, 1, 15, 0, DateTimeKind.Utc), Unchanged: false,
        "submitted", "key:0f8c2d1e-5b7a-4e9c-9d41-3a6b2c8e7f10", new DateTime(2018, 1, 22, 1, 15, 0, DateTimeKind.Utc), null, ["1.1"]);
}
