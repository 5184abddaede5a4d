using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Rollups;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using Aggregator.Jobs.Rollups;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Comparisons.Get;

public sealed class Endpoint(FigureDb figureDb, TemplateCatalog catalog, FigureAnswers answers, ComparisonCache cache) : Endpoint<Request, Response>
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
        var read = answers.Begin(HttpContext, ProcessorState<RequestAccess>(), [req.Year, baseYear]);
        if (await answers.TryAnswerFromMemoryAsync(HttpContext, read, ct)) return;

        // One snapshot of both years (a standby's when it is up to date).
        var (unit, header, rows) = await figureDb.ReadAsync(ProcessorState<RequestAccess>(), req.Org, [req.Year, baseYear], async (db, unit) =>
        {
            if (!unit.HasChildren)
                throw ProblemException.NotFound(ProblemText.LeafHasNoComparison(req.Org));
            var (header, rows) = RollupJob.IsStoredPair(req.Year, baseYear)
                ? await StoredAsync(db, req.Year, baseYear, unit)
                : await OnRequestAsync(db, tenantId, req.Year, baseYear, unit);
            // Read to the end inside the snapshot: a standby that fails midway is then left for the primary.
            return (unit, header, rows.ToList());
        }, ct);

        // In the template's order, as the official table reads; codes it does not know last.
        var template = catalog.Find(header.Template);
        var values = new OrderedDictionary<string, ComparisonView>(StringComparer.Ordinal);
        foreach (var r in rows
                     .OrderBy(r => template is not null && template.TryGetPosition(r.Indicator, out var position) ? position : int.MaxValue)
                     .ThenBy(r => r.Indicator, StringComparer.Ordinal))
            values.Add(r.Indicator, new ComparisonView(r.Value, r.BaseValue, r.Delta, r.PctChange,
                new LikeForLike(r.LflValue, r.LflBaseValue, r.LflDelta, r.LflPctChange, r.LflUnits)));
        await answers.SendAsync(HttpContext, read, new Response(unit.Code, req.Year, baseYear, header.Template, header.BaseTemplate,
            header.ComputedAt, header.Stale, values, header.NotComparable), null, ct);
    }

    /// <summary>The year against the year before: stored by the rollup job.</summary>
    private static async Task<(Data.Header, IEnumerable<ComparisonRow>)> StoredAsync(DbSession db, int year, int baseYear, FigureScope.Unit unit)
    {
        var header = await Data.FindAsync(db, year, baseYear);
        if (header is null || !await Data.UnitHasFiguresAsync(db, year, unit.OrgUnitId))
        {
            await ThrowIfUnreportedAsync(db, year, baseYear);
            throw header is null && await Data.BothComputedAsync(db, year, baseYear)
                ? ProblemException.NotFound(ProblemText.NoComparison(year, baseYear))
                : FigureScope.BeingComputed(ProblemText.ComparisonOf(year, baseYear));
        }
        return (header, await Data.ValuesAsync(db, year, baseYear, unit.OrgUnitId));
    }

    /// <summary>
    /// Any other base: computed from the counted values for this unit, on the two years' stored templates, and cached
    /// by their generation. Answered once both years' rollups are computed, so that it says what the stored one would.
    /// </summary>
    private async Task<(Data.Header, IEnumerable<ComparisonRow>)> OnRequestAsync(DbSession db, Guid tenantId, int year, int baseYear, FigureScope.Unit unit)
    {
        var years = await Data.YearsComputedAsync(db, year, baseYear);
        var later = years.FirstOrDefault(y => y.Year == year);
        var earlier = years.FirstOrDefault(y => y.Year == baseYear);
        if (later is null || earlier is null || !await Data.UnitHasFiguresAsync(db, year, unit.OrgUnitId))
        {
            await ThrowIfUnreportedAsync(db, year, baseYear);
            throw FigureScope.BeingComputed(ProblemText.ComparisonOf(year, baseYear));
        }
        if (catalog.Find(later.Template) is not { } template || catalog.Find(earlier.Template) is not { } baseTemplate)
            throw ProblemException.NotFound(ProblemText.NoComparison(year, baseYear));

        var plan = ComparisonPlanner.Plan(catalog, tenantId, year, template, baseYear, baseTemplate);
        var key = ComparisonCache.KeyOf(tenantId, year, baseYear, unit.OrgUnitId, template.Code, baseTemplate.Code, later.Generation, earlier.Generation);
        var rows = await cache.GetOrComputeAsync(key, () => ComparisonFigures.ForUnitAsync(db, plan, unit.OrgUnitId));
        var header = new Data.Header
        {
            Template = template.Code, BaseTemplate = baseTemplate.Code, NotComparable = plan.NotComparable,
            ComputedAt = later.ComputedAt > earlier.ComputedAt ? later.ComputedAt : earlier.ComputedAt,
            Stale = later.Stale || earlier.Stale,
        };
        return (header, rows);
    }

    /// <summary>404 no-reports when either year has no report at all: there is nothing to compare, now or later.</summary>
    private static async Task ThrowIfUnreportedAsync(DbSession db, int year, int baseYear)
    {
        var unreported = await Data.YearsWithoutReportsAsync(db, year, baseYear);
        if (unreported.Count > 0)
        {
            throw new ProblemException(StatusCodes.Status404NotFound,
                ProblemText.NothingToCompare(string.Join(" / ", unreported)),
                new Dictionary<string, object?> { ["reason"] = "no-reports" });
        }
    }
}
