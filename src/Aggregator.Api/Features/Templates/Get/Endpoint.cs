using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Errors;
using Aggregator.Domain.Templates;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Templates.Get;

public sealed class Endpoint(TemplateCatalog catalog) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/v1/templates/{code}");
        Description(d => d.WithTags("Templates").AllowedForAnyKey());
        Summary(s => s.Summary = "A template: indicators or cells with code, label, unit, parent, value type and aggregation; tables; rules. Any key.");
    }

    public override Task HandleAsync(Request req, CancellationToken ct)
    {
        var template = catalog.Find(req.Code) ?? throw ProblemException.NotFound(ProblemText.TemplateNotFound(req.Code));
        return Send.OkAsync(Response.From(template), ct);
    }
}
