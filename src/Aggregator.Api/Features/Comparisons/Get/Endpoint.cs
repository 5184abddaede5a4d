using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Rollups;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Comparisons.Get;

public sealed class Endpoint(TenantDb tenantDb, TemplateCatalog catalog, FigureAnswers answers) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/org-units/{org}/comparisons/{year}");
        Group<TenantGroup>();
        Description(d => d.WithTags("Comparisons").AllowedFor(FigureScope.ReadRoles).Produces(304)
            .AcceptsHeader("If-None-Match", FigureAnswers.IfNoneMatchDoc));
        Summary(s =>
        {
            s.Summary = "A year against a base year (default the year before): stored totals and like-for-like figures; across a template change only mapped indicators.";
            s.ResponseExamples[200] = Examples.Comparison;
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        var baseYear = req.Base ?? req.Year - 1;
        if (baseYear >= req.Year)
            throw ProblemException.Invalid("base", ProblemText.BaseYearBefore(req.Year));

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var unit = await FigureScope.FindUnitAsync(db, caller, req.Org);
        if (!unit.HasChildren)
            throw ProblemException.NotFound(ProblemText.LeafHasNoComparison(req.Org));
        var header = await Data.FindAsync(db, req.Year, baseYear);
        if (header is null || !await Data.UnitHasFiguresAsync(db, req.Year, unit.OrgUnitId))
        {
            var unreported = await Data.YearsWithoutReportsAsync(db, req.Year, baseYear);
            if (unreported.Count > 0)
            {
                throw new ProblemException(StatusCodes.Status404NotFound,
                    ProblemText.NothingToCompare(string.Join(" / ", unreported)),
                    new Dictionary<string, object?> { ["reason"] = "no-reports" });
            }
            throw header is null && await Data.BothComputedAsync(db, req.Year, baseYear)
                ? ProblemException.NotFound(ProblemText.NoComparison(req.Year, baseYear))
                : FigureScope.BeingComputed(ProblemText.ComparisonOf(req.Year, baseYear));
        }
        var rows = await Data.ValuesAsync(db, req.Year, baseYear, unit.OrgUnitId);
        await db.CommitAsync();

        // In the template's order, as the official table reads; codes it does not know last.
        var template = catalog.Find(header.Template);
        var values = new OrderedDictionary<string, ComparisonView>(StringComparer.Ordinal);
        foreach (var r in rows
                     .OrderBy(r => template is not null && template.TryGetPosition(r.Indicator, out var position) ? position : int.MaxValue)
                     .ThenBy(r => r.Indicator, StringComparer.Ordinal))
            values.Add(r.Indicator, new ComparisonView(r.Value, r.BaseValue, r.Delta, r.PctChange,
                new LikeForLike(r.LflValue, r.LflBaseValue, r.LflDelta, r.LflPctChange, r.LflUnits)));
        await answers.SendAsync(HttpContext, new Response(unit.Code, req.Year, baseYear, header.Template, header.BaseTemplate,
            header.ComputedAt, header.Stale, values, header.NotComparable), null, ct);
    }
}
