using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Limits;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using FastEndpoints;

namespace Aggregator.Api.Features.Rollups.Export.Csv;

public sealed class Endpoint(FigureDb figureDb, TemplateCatalog catalog, ExpensiveReads expensiveReads, FigureAnswers answers) : Endpoint<Request>
{
    public override void Configure()
    {
        Get("/org-units/{org}/rollups/{year}.csv");
        Group<TenantGroup>();
        Description(d => d.WithTags("Rollups").AllowedFor(FigureScope.ReadRoles).WithMetadata(new ExpensiveRead("this being an expensive read,"))
            .ClearDefaultProduces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status200OK, typeof(Stream), "text/csv").Produces(304)
            .AcceptsHeader("If-None-Match", FigureAnswers.IfNoneMatchDoc));
        Summary(s => s.Summary =
            "The official table of the stored rollup (汇总表 of the .xlsx) as CSV: UTF-8 with a byte-order mark, RFC 4180 quoting.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        // An unchanged file is sent again from memory, which is no expensive read.
        var read = answers.Begin(HttpContext, ProcessorState<RequestAccess>(), [req.Year]);
        if (await answers.TryAnswerFromMemoryAsync(HttpContext, read, ct)) return;
        if (!await expensiveReads.TryEnterAsync(HttpContext, tenantId)) return;

        var rollup = await figureDb.ReadAsync(ProcessorState<RequestAccess>(), req.Org, [req.Year],
            (db, unit) => StoredRollup.ReadAsync(db, catalog, unit, req.Org, req.Year), ct);

        var csv = CsvTable.Write(OfficialTable.Build(rollup, ProcessorState<RequestAccess>().TimeZone));
        await Download.SendAsync(answers, HttpContext, read, csv, CsvTable.ContentType, rollup, "csv", ct);
    }
}
