using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Domain.Templates;
using FastEndpoints;

namespace Aggregator.Api.Features.Templates.List;

public sealed record Years(int From, int? To);

public sealed record TemplateItem([property: Vocabulary(Vocabularies.Templates)] string Code, string Name, Years Years, int Indicators, int Rules);

public sealed record Response(IReadOnlyList<TemplateItem> Items);

public sealed class Endpoint(TemplateCatalog catalog) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/api/v1/templates");
        Description(d => d.WithTags("Templates").AllowedForAnyKey());
        Summary(s => s.Summary = "The report templates, by the years they apply to. Any key.");
    }

    public override Task HandleAsync(CancellationToken ct) => Send.OkAsync(new Response(catalog.All
        .Select(t => new TemplateItem(t.Code, t.Name, new Years(t.FirstYear, t.LastYear), t.Indicators.Count, t.Rules.Count))
        .ToList()), ct);
}
