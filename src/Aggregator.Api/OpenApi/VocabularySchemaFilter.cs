using System.Reflection;
using System.Text.Json.Nodes;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Features.Templates;
using Aggregator.Domain.Rules;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Validation;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Aggregator.Api.OpenApi;

/// <summary>
/// Turns <see cref="VocabularyAttribute"/> into an <c>enum</c> and <see cref="ReportValuesAttribute"/> into a
/// map of number-or-null, so that generated clients get types instead of bare strings and objects.
/// </summary>
public sealed class VocabularySchemaFilter(TemplateCatalog catalog) : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema target || context.MemberInfo is not { } member) return;

        if (member.GetCustomAttribute<VocabularyAttribute>() is { } vocabulary)
        {
            target.Enum = Words(vocabulary.Vocabulary).Select(word => (JsonNode)JsonValue.Create(word)!).ToList();
        }
        if (member.GetCustomAttribute<ReportValuesAttribute>() is not null)
        {
            target.Type = JsonSchemaType.Object;
            target.Format = null;
            target.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Number | JsonSchemaType.Null, Format = "decimal" };
            target.Description ??= "Indicator (or cell) code → number, or null for an empty cell (missing, not zero).";
        }
    }

    private IEnumerable<string> Words(Vocabularies vocabulary) => vocabulary switch
    {
        Vocabularies.Roles => [KeyRoles.Admin, .. KeyRoles.TenantRoles],
        Vocabularies.TenantRoles => KeyRoles.TenantRoles,
        Vocabularies.TenantKinds => Codes.TenantKinds,
        Vocabularies.OrgUnitKinds => Codes.OrgUnitKinds.Union(Codes.TenantKinds),
        Vocabularies.Templates => catalog.All.Select(template => template.Code).Order(StringComparer.Ordinal),
        Vocabularies.NotFoundReasons => [NotFoundReasons.BeingComputed, NotFoundReasons.NoReports],
        Vocabularies.RuleKinds => Enum.GetValues<RuleKind>().Select(TemplateNames.Of).Distinct(),
        Vocabularies.RuleSeverities => Enum.GetValues<RuleSeverity>().Select(TemplateNames.Of),
        Vocabularies.RuleStatuses => Enum.GetValues<RuleStatus>().Select(TemplateNames.Of),
        Vocabularies.ValueTypes => Enum.GetValues<IndicatorValueType>().Select(TemplateNames.Of),
        Vocabularies.Aggregates => Enum.GetValues<AggregateKind>().Select(TemplateNames.Of),
        Vocabularies.ReviewStatuses => Features.Reports.Shared.ReviewStatus.All,
        Vocabularies.ReviewModes => Features.Reports.Shared.ReviewModes.All,
        Vocabularies.UnitReportStates => [.. Features.Reports.Shared.ReviewStatus.All, "missing"],
        Vocabularies.QualityFlagKinds => Features.Quality.QualityOptions.Words,
        Vocabularies.TextEncodings => Features.Reports.Import.TextDecoding.All,
        _ => throw new ArgumentOutOfRangeException(nameof(vocabulary)),
    };
}
