using Aggregator.Api.Features.Rollups.Export;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using FastEndpoints;

namespace Aggregator.Api.Features.Publications.Public.YearCsv;

public sealed class Endpoint(TenantDb tenantDb, TemplateCatalog catalog) : Endpoint<YearRequest>
{
    public override void Configure()
    {
        Get(Auth.PublicRead.Prefix + "/{tenant}/{year}.csv");
        AllowAnonymous();
        Description(d => d.PublicReadOf().ClearDefaultProduces(StatusCodes.Status200OK).Produces(StatusCodes.Status200OK, typeof(Stream), "text/csv"));
        Summary(s => s.Summary =
            "The latest published edition's official table (汇总表) as CSV, without a key: UTF-8 with a byte-order mark, RFC 4180 quoting.");
    }

    public override async Task HandleAsync(YearRequest req, CancellationToken ct)
    {
        var edition = await PublicReads.EditionAsync(tenantDb, req.Tenant, req.Year, null, ct);
        await PublicRoutes.SendFileAsync(HttpContext, edition, "csv",
            () => CsvTable.Write(OfficialTable.Build(PublicReads.Table(edition, catalog), PublicReads.TimeZone(edition))), CsvTable.ContentType, ct);
    }
}
