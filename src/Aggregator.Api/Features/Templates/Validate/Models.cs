using System.Text.Json;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Reports.Shared;
using FastEndpoints;

namespace Aggregator.Api.Features.Templates.Validate;

public sealed class Request
{
    [Vocabulary(Vocabularies.Templates)]
    public string Code { get; init; } = "";
    /// <summary>Indicator or cell code → number, or null for an empty cell.</summary>
    [ReportValues]
    public JsonElement Values { get; init; }
    /// <summary>true: <c>outcomes</c> lists every rule, passed and not evaluable ones too; by default only the failing ones.</summary>
    [QueryParam]
    public bool All { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Values).WithinEntryBound();
    }
}

/// <summary>
/// A dry run. <c>valid</c> is false when any error rule failed; warnings do not make a report invalid.
/// <c>errors</c> and <c>warnings</c> are the failing error and warning rules; <c>outcomes</c> the failing rules of
/// both severities in the template's order, or with <c>?all=true</c> every rule's outcome (passed, failed, not-evaluable).
/// </summary>
public sealed record Response(
    [property: Vocabulary(Vocabularies.Templates)] string Template, bool Valid, IReadOnlyList<RuleOutcomeView> Errors, IReadOnlyList<RuleOutcomeView> Warnings,
    IReadOnlyList<RuleOutcomeView> Outcomes);
