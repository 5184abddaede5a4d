using System.Text.Json;
using Aggregator.Api.OpenApi;

namespace Aggregator.Api.Features.Templates.Validate;

public sealed class Request
{
    public string Code { get; init; } = "";
    /// <summary>Indicator or cell code → number, or null for an empty cell.</summary>
    [ReportValues]
    public JsonElement Values { get; init; }
}

/// <summary>
/// A dry run: every rule's outcome. <c>valid</c> is false when any error rule failed; warnings do not
/// make a report invalid.
/// </summary>
public sealed record Response(
    string Template, bool Valid, IReadOnlyList<RuleOutcomeView> Errors, IReadOnlyList<RuleOutcomeView> Warnings,
    IReadOnlyList<RuleOutcomeView> Outcomes);
