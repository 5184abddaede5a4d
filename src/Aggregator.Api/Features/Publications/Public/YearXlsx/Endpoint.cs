using Aggregator.Api.Features.Rollups.Export;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using FastEndpoints;

namespace Aggregator.Api.Features.Publications.Public.YearXlsx;

public sealed class Endpoint(TenantDb tenantDb, TemplateCatalog catalog) : Endpoint<YearRequest>
{
    public override void Configure()
    {
        Get(Auth.PublicRead.Prefix + "/{tenant}/{year}.xlsx");
        AllowAnonymous();
        Description(d => d.PublicReadOf().ClearDefaultProduces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status200OK, typeof(Stream), XlsxWorkbook.ContentType));
        Summary(s => s.Summary =
            "The latest published edition's official table (汇总表, the template's layout) as an Excel workbook, without a key.");
    }

    public override async Task HandleAsync(YearRequest req, CancellationToken ct)
    {
        var edition = await PublicReads.EditionAsync(tenantDb, req.Tenant, req.Year, null, ct);
        await PublicRoutes.SendFileAsync(HttpContext, edition, "xlsx",
            () => XlsxWorkbook.Write([OfficialTable.Build(PublicReads.Table(edition, catalog), PublicReads.TimeZone(edition))]),
            XlsxWorkbook.ContentType, ct);
    }
}
