using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Errors;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using FastEndpoints;

namespace Aggregator.Api.Features.Rollups.Get;

public sealed class Endpoint(TenantDb tenantDb, TemplateCatalog catalog) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/org-units/{org}/rollups/{year}");
        Group<TenantGroup>();
        Description(d => d.WithTags("Rollups").AllowedFor(FigureScope.ReadRoles));
        Summary(s =>
        {
            s.Summary = "The stored rollup of a unit with descendants: sums, reporters and completeness. Never computed on request.";
            s.ResponseExamples[200] = Examples.Rollup;
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var unit = await FigureScope.FindUnitAsync(db, caller, req.Org);
        if (!unit.HasChildren)
            throw ProblemException.NotFound($"A rollup of '{req.Org}' (a unit with no units below it; read its report)");
        var header = await Data.FindAsync(db, req.Year, unit.OrgUnitId)
                     ?? throw await FigureScope.NotStoredAsync(db, req.Year, $"The {req.Year} figures of '{req.Org}'");
        var stored = (await Data.ValuesAsync(db, req.Year, unit.OrgUnitId)).ToDictionary(v => v.Indicator, StringComparer.Ordinal);
        await db.CommitAsync();

        // In the template's order; a summable indicator nobody reported reads as missing with 0 reporters.
        var values = new Dictionary<string, RollupValue>(StringComparer.Ordinal);
        foreach (var indicator in catalog.Find(header.Template)?.Indicators ?? [])
        {
            if (indicator.Aggregate != AggregateKind.Sum) continue;
            values[indicator.Code] = stored.TryGetValue(indicator.Code, out var row) ? new RollupValue(row.Value, row.Reporters) : new RollupValue(null, 0);
        }

        await Send.OkAsync(new Response(
            unit.Code, req.Year, header.Template, header.ComputedAt, header.Stale,
            new CompletenessView(header.Expected, header.Reported, header.Missing, header.AwaitingReview), values), ct);
    }
}
