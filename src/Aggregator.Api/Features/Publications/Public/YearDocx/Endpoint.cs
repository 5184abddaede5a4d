using Aggregator.Api.Features.AnnualReports;
using Aggregator.Data;
using Aggregator.Domain.AnnualReports;
using Aggregator.Domain.Templates;
using FastEndpoints;

namespace Aggregator.Api.Features.Publications.Public.YearDocx;

public sealed class Endpoint(TenantDb tenantDb, TemplateCatalog catalog) : Endpoint<YearRequest>
{
    public override void Configure()
    {
        Get(Auth.PublicRead.Prefix + "/{tenant}/{year}.docx");
        AllowAnonymous();
        Description(d => d.PublicReadOf().ClearDefaultProduces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status200OK, typeof(Stream), AnnualReportDocx.ContentType));
        Summary(s => s.Summary =
            "The annual report (政府信息公开工作年度报告) as published: the draft report written from the latest edition's figures, without a key.");
    }

    public override async Task HandleAsync(YearRequest req, CancellationToken ct)
    {
        var edition = await PublicReads.EditionAsync(tenantDb, req.Tenant, req.Year, null, ct);
        await PublicRoutes.SendFileAsync(HttpContext, edition, "docx", () => AnnualReportDocx.Write(Figures(edition, catalog)),
            AnnualReportDocx.ContentType, ct, AnnualReportText.TitleOf(edition.OrgUnitName, edition.Year));
    }

    /// <summary>
    /// The report's figures from the edition alone, never from the live rollup: the values as published, the year
    /// before as the published comparison gives it (when it is the year before), and the units counted.
    /// </summary>
    private static AnnualReportFigures Figures(EditionRow edition, TemplateCatalog catalog)
    {
        var view = edition.View();
        var template = PublicReads.Table(edition, catalog).Template;
        var previous = view.Yoy is { } yoy && yoy.BaseYear == view.Year - 1
            ? yoy.Values.ToDictionary(change => change.Code, change => change.Base, StringComparer.Ordinal)
            : null;
        return new AnnualReportFigures(view.OrgUnitName, Consolidated: true, view.Year, template,
            view.Figures.ToDictionary(figure => figure.Code, figure => figure.Value, StringComparer.Ordinal),
            previous, view.CountedUnits.Units.Select(unit => unit.Name).ToList());
    }
}
