using Aggregator.Api.Auth;
using Aggregator.Api.Features.Rollups;
using Aggregator.Data;
using FastEndpoints;

namespace Aggregator.Api.Features.Series.Get;

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request, Response>
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

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var unit = await FigureScope.FindUnitAsync(db, caller, req.Org);
        var points = unit.HasChildren
            ? await Data.RollupsAsync(db, unit.OrgUnitId, req.Indicator, req.From, req.To)
            : await Data.ReportsAsync(db, unit.OrgUnitId, req.Indicator, req.From, req.To);
        await db.CommitAsync();

        await Send.OkAsync(new Response(unit.Code, req.Indicator, unit.HasChildren ? "rollup" : "report", points.ToList()), ct);
    }
}
