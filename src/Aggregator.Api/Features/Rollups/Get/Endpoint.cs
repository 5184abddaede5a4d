using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Rollups.Get;

public sealed class Endpoint(FigureDb figureDb, TemplateCatalog catalog, FigureAnswers answers) : Endpoint<Request, Response>
{
    /// <summary>Clients and shared caches may keep the answer, and must ask (If-None-Match) before reusing it.</summary>
    public const string CacheControl = FigureAnswers.CacheControl;

    public override void Configure()
    {
        Get("/org-units/{org}/rollups/{year}");
        Group<TenantGroup>();
        Description(d => d.WithTags("Rollups").AllowedFor(FigureScope.ReadRoles).Produces(304)
            .AcceptsHeader("If-None-Match", "An ETag the client holds: 304 while the figures and their staleness are unchanged."));
        Summary(s =>
        {
            s.Summary = "The stored rollup of a unit with descendants: sums, reporters and completeness. Never computed on request. " +
                        "With an ETag that changes when the figures are recomputed or turn stale (If-None-Match → 304).";
            s.ResponseExamples[200] = Examples.Rollup;
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        // The hot path: figures that have not moved since this caller's answer was kept need no database at all.
        var read = answers.Begin(HttpContext, ProcessorState<RequestAccess>(), [req.Year]);
        if (await answers.TryAnswerFromMemoryAsync(HttpContext, read, ct)) return;

        // Otherwise one snapshot of the figures (a standby's when it is up to date): the answer from the same stored figures.
        var answer = await figureDb.ReadAsync(ProcessorState<RequestAccess>(), req.Org, [req.Year], async (db, unit) =>
        {
            if (!unit.HasChildren) throw NoRollup(req);
            var stored = await StoredFigures.FindAsync(db, req.Year, unit.OrgUnitId) ?? throw await NotStoredAsync(db, req);
            return await ReadAsync(db, req, unit, stored);
        }, ct);
        await answers.SendAsync(HttpContext, read, answer, null, ct);
    }

    private async Task<Response> ReadAsync(DbSession db, Request req, FigureScope.Unit target, StoredFigures.Year generation)
    {
        var completeness = await Data.CompletenessAsync(db, req.Year, target.OrgUnitId) ?? throw await NotStoredAsync(db, req);
        var stored = (await Data.ValuesAsync(db, req.Year, target.OrgUnitId)).ToDictionary(v => v.Indicator, StringComparer.Ordinal);

        // In the template's order; a summable indicator nobody reported reads as missing with 0 reporters.
        var values = new Dictionary<string, RollupValue>(StringComparer.Ordinal);
        foreach (var indicator in catalog.Find(generation.Template)?.Indicators ?? [])
        {
            if (indicator.Aggregate != AggregateKind.Sum) continue;
            values[indicator.Code] = stored.TryGetValue(indicator.Code, out var row) ? new RollupValue(row.Value, row.Reporters) : new RollupValue(null, 0);
        }

        return new Response(target.Code, req.Year, generation.Template, generation.ComputedAt, generation.Stale,
            new CompletenessView(completeness.Expected, completeness.Reported, completeness.Missing, completeness.AwaitingReview), values);
    }

    private static ProblemException NoRollup(Request req) =>
        ProblemException.NotFound(ProblemText.LeafHasNoRollup(req.Org));

    private static Task<ProblemException> NotStoredAsync(DbSession db, Request req) =>
        FigureScope.NotStoredAsync(db, req.Year, ProblemText.FiguresOf(req.Year, req.Org));
}
