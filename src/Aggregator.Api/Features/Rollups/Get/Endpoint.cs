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

public sealed class Endpoint(TenantDb tenantDb, TemplateCatalog catalog, RollupAnswers answers) : Endpoint<Request, Response>
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
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        HttpContext.Response.Headers.CacheControl = CacheControl;

        // The hot path, one round trip: the scope check and the generation. Figures that have not moved since the
        // client's copy, or since an answer was cached, need nothing more.
        var probe = await Data.FindAsync(tenantDb, caller, tenantId, req.Org, req.Year, ct) ?? throw UnitNotFound(req);
        if (!probe.HasChildren) throw NoRollup(req);
        if (probe.Generation is { } seen)
        {
            // Sets the ETag header, which the cached answer below carries too.
            if (ConditionalGet.IsNotModified(HttpContext, answers.ETagOf(tenantId, req.Year, probe.OrgUnitId, seen)))
            {
                await Send.NotModifiedAsync(ct);
                return;
            }
            if (answers.Find(tenantId, req.Year, probe.OrgUnitId, seen) is { } cached)
            {
                await Send.BytesAsync(cached, contentType: FigureAnswers.JsonContentType, cancellation: ct);
                return;
            }
        }

        // Otherwise one snapshot: the answer is read at the generation it is cached under, whatever a job commits meanwhile.
        await using var db = await tenantDb.BeginSnapshotAsync(tenantId, ct);
        var target = await Data.FindAsync(db, caller, req.Org, req.Year) ?? throw UnitNotFound(req);
        if (!target.HasChildren) throw NoRollup(req);
        var generation = target.Generation ?? throw await NotStoredAsync(db, req);

        var etag = answers.ETagOf(tenantId, req.Year, target.OrgUnitId, generation);
        if (ConditionalGet.IsNotModified(HttpContext, etag))
        {
            await db.CommitAsync();
            await Send.NotModifiedAsync(ct);
            return;
        }

        var body = answers.Find(tenantId, req.Year, target.OrgUnitId, generation)
                   ?? answers.Add(tenantId, req.Year, target.OrgUnitId, generation, await ReadAsync(db, req, target, generation));
        await db.CommitAsync();
        await Send.BytesAsync(body, contentType: FigureAnswers.JsonContentType, cancellation: ct);
    }

    private async Task<Response> ReadAsync(DbSession db, Request req, Data.Target target, FiguresGeneration generation)
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

    private static ProblemException UnitNotFound(Request req) => ProblemException.NotFound(ProblemText.OrgUnitNotFound(req.Org));

    private static ProblemException NoRollup(Request req) =>
        ProblemException.NotFound(ProblemText.LeafHasNoRollup(req.Org));

    private static Task<ProblemException> NotStoredAsync(DbSession db, Request req) =>
        FigureScope.NotStoredAsync(db, req.Year, ProblemText.FiguresOf(req.Year, req.Org));
}
