using Aggregator.Api.Errors;
using Aggregator.Data.Telemetry;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Validation;
using Aggregator.Domain.Values;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>Choosing the template for a year and checking a report against it; rule failures answer 422.</summary>
public static class ReportRules
{
    /// <summary>The member of a 422 that lists the failing rules (documented by OpenApi.RuleProblem).</summary>
    public const string RulesMember = "rules";

    public static ReportTemplate TemplateFor(TemplateCatalog catalog, string? code, int year)
    {
        if (string.IsNullOrEmpty(code))
            return catalog.ForYear(year) ?? throw Unprocessable(ProblemText.NoTemplateApplies(year), "template", []);
        var template = catalog.Find(code)
                       ?? throw Unprocessable(ProblemText.UnknownTemplate(code, string.Join(", ", catalog.All.Select(t => t.Code))), "template", []);
        if (!template.AppliesTo(year))
        {
            var years = $"{template.FirstYear}–{template.LastYear?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""}";
            var message = catalog.ForYear(year) is { } right
                ? ProblemText.TemplateYearsUse(template.Code, years, year, right.Code)
                : ProblemText.TemplateYears(template.Code, years, year);
            throw Unprocessable(message, "template-year", []);
        }
        return template;
    }

    /// <summary>The validation, or 422 listing every failing error rule in <c>rules</c> (and the warnings) when there is one.</summary>
    public static ValidationResult Check(ReportTemplate template, ReportInput input, IReadOnlyDictionary<string, object?>? more = null)
    {
        var result = ReportValidator.Validate(template, input);
        if (!result.HasErrors) return result;

        var failing = RuleFinding.From(result.Errors);
        foreach (var rule in failing) CountFailure(rule.RuleId, template.Code);
        var extensions = new Dictionary<string, object?>
        {
            ["template"] = template.Code,
            [RulesMember] = failing,
            ["warnings"] = RuleFinding.From(result.Warnings),
        };
        foreach (var (name, value) in more ?? new Dictionary<string, object?>()) extensions[name] = value;
        throw new ProblemException(StatusCodes.Status422UnprocessableEntity,
            ProblemText.RulesBroken(failing.Count, template.Code), extensions);
    }

    /// <summary>
    /// 422 <c>empty-report</c> when no value is a number. Stored, a report of empty cells would replace the
    /// unit's figures with nothing while completeness still counted the unit as reported.
    /// </summary>
    public static void RequireFigures(ReportTemplate template, ReportInput input)
    {
        if (!input.HasFigures)
        {
            CountFailure(ProblemTypes.EmptyReport, template.Code);
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, EmptyReportDetail(template),
                new Dictionary<string, object?> { ["template"] = template.Code }, type: ProblemTypes.EmptyReport);
        }
    }

    public static string EmptyReportDetail(ReportTemplate template) => ProblemText.EmptyReport(template.Code);

    /// <summary>aggregator.validation.failures by rule id and template: ids come from the templates, so the series stay few.</summary>
    private static void CountFailure(string ruleId, string? template) =>
        AggregatorTelemetry.ValidationFailures.Add(1,
            new KeyValuePair<string, object?>(AggregatorTelemetry.RuleAttribute, ruleId),
            new KeyValuePair<string, object?>(AggregatorTelemetry.TemplateAttribute, template ?? ""));

    private static ProblemException Unprocessable(string message, string ruleId, string[] indicators)
    {
        CountFailure(ruleId, template: null);
        return new(StatusCodes.Status422UnprocessableEntity, message, new Dictionary<string, object?>
        {
            [RulesMember] = new[] { new RuleFinding(ruleId, indicators, message) },
        });
    }
}
