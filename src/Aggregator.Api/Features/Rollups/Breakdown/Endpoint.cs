using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Errors;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Rollups.Breakdown;

public sealed class Endpoint(FigureDb figureDb, TemplateCatalog catalog, FigureAnswers answers) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/org-units/{org}/rollups/{year}/breakdown");
        Group<TenantGroup>();
        Description(d => d.WithTags("Rollups").AllowedFor(FigureScope.ReadRoles).Produces(304)
            .AcceptsHeader("If-None-Match", FigureAnswers.IfNoneMatchDoc));
        Summary(s => s.Summary = "One indicator of a rollup by child unit: value, share of the total in percent, rank.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        var read = answers.Begin(HttpContext, ProcessorState<RequestAccess>(), [req.Year]);
        if (await answers.TryAnswerFromMemoryAsync(HttpContext, read, ct)) return;

        // One snapshot (a standby's when it is up to date).
        var (unit, header, children, own) = await figureDb.ReadAsync(ProcessorState<RequestAccess>(), req.Org, [req.Year], async (db, unit) =>
        {
            if (!unit.HasChildren)
                throw ProblemException.NotFound(ProblemText.LeafHasNoBreakdown(req.Org));
            var header = await Data.FindAsync(db, req.Year, unit.OrgUnitId, req.Indicator)
                         ?? throw await FigureScope.NotStoredAsync(db, req.Year, ProblemText.FiguresOf(req.Year, req.Org));
            if (catalog.Find(header.Template)?.FindIndicator(req.Indicator) is not { Aggregate: AggregateKind.Sum })
                throw ProblemException.Invalid("indicator", ProblemText.NotSummable(req.Indicator, header.Template));

            var children = (await Data.ChildrenAsync(db, req.Year, unit.OrgUnitId, req.Indicator, header.Template)).ToList();
            BreakdownItem? own = null;
            if (await Data.HasOwnReportAsync(db, req.Year, unit.OrgUnitId, header.Template))
            {
                var value = await Data.OwnValueAsync(db, req.Year, unit.OrgUnitId, req.Indicator, header.Template);
                own = new BreakdownItem(unit.Code, "(own report)", value, Share(value, header.Total), null);
            }
            return (unit, header, children, own);
        }, ct);

        var items = children
            .Select(c => new BreakdownItem(c.Code, c.Name, c.Value, Share(c.Value, header.Total),
                c.Value is { } v ? 1 + children.Count(other => other.Value > v) : null))
            .ToList();
        await answers.SendAsync(HttpContext, read, new Response(unit.Code, req.Year, header.Template, req.Indicator, header.ComputedAt, header.Stale,
            header.Total, own, items), null, ct);
    }

    private static decimal? Share(decimal? value, decimal? total) =>
        value is { } v && total is { } t && t != 0 ? decimal.Round(v * 100m / t, 1, MidpointRounding.AwayFromZero) : null;
}
