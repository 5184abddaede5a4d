using Aggregator.Api.Errors;
using Aggregator.Api.Errors.Texts;
using Aggregator.Api.Features.Rollups.Export;
using Aggregator.Data;
using Aggregator.Domain.Templates;

namespace Aggregator.Api.Features.Publications.Public;

/// <summary>An edition read key-less: the latest of the year or a numbered one, 404 for anything not published.</summary>
public static class PublicReads
{
    public static async Task<EditionRow> EditionAsync(TenantDb tenantDb, string tenant, int year, int? edition, CancellationToken ct)
    {
        await using var db = await tenantDb.BeginPublicReadAsync(tenant, ct);
        var row = await PublicData.PublishedAsync(db, tenant, year, edition);
        await db.CommitAsync();
        return row ?? throw ProblemException.NotFound(edition is { } n
            ? ProblemText.EditionNotPublished(tenant, year, n)
            : ProblemText.YearNotPublished(tenant, year));
    }

    /// <summary>The edition's figures in the shape of the export writers: the official table of what was published, and nothing of any unit below.</summary>
    public static StoredRollup Table(EditionRow edition, TemplateCatalog catalog)
    {
        var view = edition.View();
        var template = catalog.Find(edition.Template)
                       ?? throw new InvalidOperationException($"Edition {edition.Edition} of {edition.Year} was published on template '{edition.Template}', which is not loaded.");
        return new StoredRollup(0, view.OrgUnit, view.OrgUnitName, view.Year, template, view.ComputedAt, Stale: false,
            view.CountedUnits.Expected, view.CountedUnits.Counted,
            view.Figures.ToDictionary(figure => figure.Code, figure => figure.Value, StringComparer.Ordinal), []);
    }

    public static TimeZoneInfo TimeZone(EditionRow edition) => TimeZoneInfo.FindSystemTimeZoneById(edition.TimeZone);
}
