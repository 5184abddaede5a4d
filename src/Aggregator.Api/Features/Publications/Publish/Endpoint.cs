using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Errors.Texts;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Limits;
using Aggregator.Api.OpenApi;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using Aggregator.Jobs.Upstream;
using FastEndpoints;

namespace Aggregator.Api.Features.Publications.Publish;

/// <summary>
/// Publishes the root's accepted consolidated figures of a year as an immutable edition that anyone may read under
/// /public/v1. A new edition only when the figures differ from the latest one.
/// </summary>
public sealed class Endpoint(TenantDb tenantDb, TenantCalendar calendar, TemplateCatalog catalog, TimeProvider clock) : Endpoint<Request, EditionView>
{
    public override void Configure()
    {
        Post("/publications");
        Group<TenantGroup>();
        Description(d => d.WithTags("Publications").AllowedForTenantRolesOnly(KeyRoles.TenantAdmin)
            .RequireRateLimiting(RateLimits.StrictPolicy).ClearDefaultProduces(200).Produces<EditionView>(200).Produces<EditionView>(201)
            .AnswersProblem(409, "A rollup of the year is pending (/problems/figures-stale): publish once it has run; or no accepted version " +
                                 "of the year counts yet (/problems/nothing-to-publish).")
            .AnswersProblem(422, "The unit is not the tenant's root (/problems/not-publishable): a district publishes its consolidated year."));
        Summary(s =>
        {
            s.Summary =
                "Publishes the year's consolidated figures of the tenant's root (accepted versions only, as the stored rollup holds them) as an " +
                "immutable edition, readable without a key at /public/v1/{tenant}/{year}. 201 with a new edition (numbered 1, 2, … per year, " +
                "with the indicators changed since the edition before); 200 with the latest edition when its figures are the same. " +
                "Tenant-admin of the root; not the platform admin: publishing is the tenant's own act.";
            s.ExampleRequest = new { year = 2017, orgUnit = "110102" };
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var access = ProcessorState<RequestAccess>();
        var (caller, tenantId) = access;
        RootUnit.Require(caller, ProblemText.ActPublish());
        var currentYear = calendar.YearIn(access.TimeZone);
        if (!ReportYears.Accepts(req.Year, currentYear)) ThrowError(r => r.Year, ReportYears.Message(currentYear));

        var (status, edition) = await tenantDb.RunAsync(tenantId, db => PublishAsync(db, req, caller), ct);
        HttpContext.Response.Headers.Location = PublicRoutes.EditionPath(req.Tenant, req.Year, edition.Edition);
        await Send.ResponseAsync(edition, status, ct);
    }

    private async Task<(int Status, EditionView Edition)> PublishAsync(DbSession db, Request req, Caller caller)
    {
        var unit = await Data.UnitAsync(db, req.OrgUnit) ?? throw ProblemException.NotFound(ProblemText.OrgUnitNotFound(req.OrgUnit));
        if (!unit.IsRoot)
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, ProblemText.PublishRootOnly(req.OrgUnit),
                type: PublicationProblems.NotPublishable);

        await Data.LockAsync(db, req.Year);
        var figures = await UpstreamData.RootFiguresAsync(db, req.Year);
        if (!figures.AnyReport)
            throw new ProblemException(StatusCodes.Status409Conflict, ProblemText.NothingToPublish(req.Year), type: PublicationProblems.NothingToPublish);
        if (figures.Stale || figures.Generation is not { } generation || figures.ComputedAt is not { } computedAt || figures.Template is null)
            throw new ProblemException(StatusCodes.Status409Conflict, ProblemText.PublishStale(req.Year), type: PublicationProblems.FiguresStale);
        if (figures.Counted == 0)
            throw new ProblemException(StatusCodes.Status409Conflict, ProblemText.NothingToPublish(req.Year), type: PublicationProblems.NothingToPublish);
        var template = catalog.Find(figures.Template)
                       ?? throw new InvalidOperationException($"The {req.Year} rollup was computed on template '{figures.Template}', which is not loaded.");

        var published = await FiguresAsync(db, req.Year, unit.OrgUnitId, template);
        var latest = await Data.LatestAsync(db, req.Year);
        var changelog = latest is null ? [] : Changelog.Between(new EditionRow { Figures = latest.Figures }.FigureList(), published);
        if (latest is not null && changelog.Count == 0)
            return (StatusCodes.Status200OK, (await PublicData.EditionAsync(db, req.Year, latest.Edition)
                                             ?? throw new InvalidOperationException("The latest edition vanished.")).View());

        var number = (latest?.Edition ?? 0) + 1;
        var counted = (await Data.CountedUnitsAsync(db, req.Year, unit.OrgUnitId)).ToList();
        var units = new CountedUnits(figures.Expected, figures.Counted, counted, [.. figures.Missing]);
        var comparison = (await Data.ComparisonAsync(db, req.Year, unit.OrgUnitId)).ToDictionary(row => row.Indicator, StringComparer.Ordinal);
        PublishedComparison? yoy = comparison.Count == 0 ? null : new PublishedComparison(req.Year - 1, [
            .. published.Where(f => comparison.ContainsKey(f.Code)).Select(f => comparison[f.Code])
                .Select(row => new PublishedChange(row.Indicator, row.BaseValue, row.Delta, row.PctChange))]);

        await Data.InsertAsync(db, req.Year, number, unit, template.Code, EditionRow.Serialize(published), yoy is null ? null : EditionRow.Serialize(yoy),
            EditionRow.Serialize(changelog), EditionRow.Serialize(units), generation, computedAt, clock.GetUtcNow(), caller.Actor);
        await AuditLog.AppendAsync(db, db.Tenant, caller.Actor, "publication.published", new AuditSubject($"publications/{req.Year}", unit.OrgUnitId, req.Year),
            new { edition = number, generation, changes = changelog.Count });
        return (StatusCodes.Status201Created, (await PublicData.EditionAsync(db, req.Year, number)
                                               ?? throw new InvalidOperationException("The new edition is not readable.")).View());
    }

    /// <summary>The root's stored sums of the template's summable indicators, in the template's order; nobody reported: null.</summary>
    private static async Task<List<PublishedFigure>> FiguresAsync(DbSession db, int year, long orgUnitId, ReportTemplate template)
    {
        var stored = (await Data.ValuesAsync(db, year, orgUnitId)).ToDictionary(row => row.Indicator, StringComparer.Ordinal);
        return template.Indicators.Where(indicator => indicator.Aggregate == AggregateKind.Sum)
            .Select(indicator => new PublishedFigure(indicator.Code, indicator.Label, indicator.Unit,
                stored.TryGetValue(indicator.Code, out var row) && row.Reporters > 0 ? row.Value : null))
            .ToList();
    }
}
