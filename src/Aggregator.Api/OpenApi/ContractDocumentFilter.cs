using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Aggregator.Api.OpenApi;

/// <summary>
/// What the document says as a whole, so that it passes Spectral's <c>spectral:oas</c> and Redocly's
/// <c>recommended</c> rules as generated (the CI lints it, see openapi/.spectral.yaml and openapi/redocly.yaml):
/// a server (the instance that serves the document: paths are absolute), a description for every tag, and one
/// for every operation that no endpoint filter described.
/// </summary>
public sealed class ContractDocumentFilter : IDocumentFilter
{
    /// <summary>What each tag groups. A tag missing here is described by the summaries of its operations.</summary>
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["API keys"] = "Keys bound to a tenant, an org unit and a role: create (the secret is shown once), list, revoke.",
        ["Audit"] = "Who wrote or reviewed what, and when: the tenant's audit trail, keyset-paged.",
        ["Comparisons"] = "A year's figures against a base year: totals and like-for-like, across template changes through declared mappings.",
        ["Completeness"] = "Who has reported a year, on time or late against the deadline, who awaits review and who is missing.",
        ["Deadlines"] = "When a year's reports are due.",
        ["Imports"] = "Past years' reports from a CSV file, checked and stored by a background job.",
        ["Jobs"] = "Background jobs queued by the API (recomputes, imports): state, times, result.",
        ["Me"] = "Who the calling key is: its tenant, org unit, role and name.",
        ["Org units"] = "The tenant's tree of reporting units: the district or city at the root, sub-districts, townships and departments below.",
        ["Quality"] = "Plausibility flags of counted reports: swings against last year, outliers among units, stored warnings.",
        ["Reports"] = "A unit's yearly report: append-only versions, their history and differences, document imports, the tenant's list of reports.",
        ["Review"] = "A reviewer accepts or returns a submitted version, and reopens an accepted year.",
        ["Rollups"] = "Consolidated figures per unit and year, computed in the background: sums, reporters, completeness, breakdown, .xlsx and .csv downloads.",
        ["Series"] = "Indicators year by year, for charts.",
        ["Settings"] = "The tenant's settings: review and time zone.",
        ["Templates"] = "Report templates: indicator codes and Chinese labels, tables, rules; and a check of values against the rules.",
        ["Tenants"] = "Districts and cities using the API, each with its own org-unit tree and keys.",
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        // Paths are absolute: the server is whichever one served this document.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The instance that serves this document." }];

        if (document.Paths is { } paths) document.Paths = VariantsAfterTheirPath(paths);

        var operations = (document.Paths ?? [])
            .SelectMany(path => (path.Value.Operations ?? []).Select(operation => operation.Value))
            .ToList();
        foreach (var operation in operations.Where(operation => string.IsNullOrWhiteSpace(operation.Description)))
            operation.Description = operation.Summary ?? operation.OperationId ?? "";

        var used = operations.SelectMany(operation => operation.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(tag => tag.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var name in used.Where(name => document.Tags.All(tag => tag.Name != name)))
            document.Tags.Add(new OpenApiTag { Name = name });
        foreach (var tag in document.Tags.Where(tag => string.IsNullOrWhiteSpace(tag.Description)))
            tag.Description = TagDescriptions.TryGetValue(tag.Name ?? "", out var description)
                ? description
                : string.Join(" ", operations
                    .Where(operation => operation.Tags?.Any(reference => reference.Name == tag.Name) == true)
                    .Select(operation => operation.Summary).OfType<string>().Distinct());
    }

    /// <summary>
    /// Each file variant of a path (<c>…/{year}.xlsx</c> of <c>…/{year}</c>) listed right after it. Both templates match
    /// <c>…/2017.xlsx</c>, and a router that tries them in order keeps the last that matches (Prism does): listed
    /// before its path, the variant lost, and Prism checked a workbook against the JSON read.
    /// </summary>
    private static OpenApiPaths VariantsAfterTheirPath(OpenApiPaths paths)
    {
        static string? BaseOf(string path) =>
            path.LastIndexOf('.') is var dot and > 0 && path.IndexOf('/', dot) < 0 ? path[..dot] : null;

        var ordered = new OpenApiPaths();
        foreach (var (path, item) in paths.Where(pair => BaseOf(pair.Key) is not { } basePath || !paths.ContainsKey(basePath)))
        {
            ordered.Add(path, item);
            foreach (var variant in paths.Where(pair => BaseOf(pair.Key) == path)) ordered.Add(variant.Key, variant.Value);
        }
        return ordered;
    }
}
