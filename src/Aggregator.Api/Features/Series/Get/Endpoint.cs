using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Rollups;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using FastEndpoints;

namespace Aggregator.Api.Features.Series.Get;

public sealed class Endpoint(TenantDb tenantDb, TemplateCatalog catalog) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/org-units/{org}/series");
        Group<TenantGroup>();
        Description(d => d.WithTags("Series").AllowedFor(FigureScope.ReadRoles));
        Summary(s => s.Summary = "One indicator per year: a unit's stored rollups, or a unit's own reports when it has no units below it.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        // A code no template knows would answer a row of empty years, as if nobody had reported it.
        if (!catalog.All.Any(template => template.FindIndicator(req.Indicator) is not null))
            throw ProblemException.Invalid("indicator", $"'{req.Indicator}' is not an indicator of any template ({string.Join(", ", catalog.All.Select(t => t.Code))}).");

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var unit = await FigureScope.FindUnitAsync(db, caller, req.Org);
        var points = unit.HasChildren
            ? await Data.RollupsAsync(db, unit.OrgUnitId, req.Indicator, req.From, req.To)
            : await Data.ReportsAsync(db, unit.OrgUnitId, req.Indicator, req.From, req.To);
        await db.CommitAsync();

        await Send.OkAsync(new Response(unit.Code, req.Indicator, unit.HasChildren ? "rollup" : "report", points.ToList()), ct);
    }
}
