using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using System.Text.Json;
using Aggregator.Api.Errors;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Validation;
using Aggregator.Domain.Values;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Templates.Validate;

public sealed class Endpoint(TemplateCatalog catalog) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/api/v1/templates/{code}/validate");
        Description(d => d.WithTags("Templates").AllowedForAnyKey());
        Summary(s => s.Summary = "Checks values against a template's rules and answers the failing error and warning rules (?all=true: every rule's outcome); stores nothing. Any key.");
    }

    public override Task HandleAsync(Request req, CancellationToken ct)
    {
        var template = catalog.Find(req.Code) ?? throw ProblemException.NotFound(ProblemText.TemplateNotFound(req.Code));
        if (req.Values.ValueKind != JsonValueKind.Object)
            throw ProblemException.Invalid("values", ProblemText.ValuesObject());

        var result = ReportValidator.Validate(template, ReportInput.FromJson(req.Values));
        return Send.OkAsync(new Response(
            template.Code,
            !result.HasErrors,
            result.Errors.Select(RuleOutcomeView.From).ToList(),
            result.Warnings.Select(RuleOutcomeView.From).ToList(),
            result.Outcomes.Where(outcome => req.All || outcome.Status == RuleStatus.Failed).Select(RuleOutcomeView.From).ToList()), ct);
    }
}
