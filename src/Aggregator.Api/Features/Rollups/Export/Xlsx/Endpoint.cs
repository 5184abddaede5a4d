using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Limits;
using Aggregator.Api.Features.Completeness;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using FastEndpoints;

namespace Aggregator.Api.Features.Rollups.Export.Xlsx;

public sealed class Endpoint(FigureDb figureDb, TemplateCatalog catalog, ExpensiveReads expensiveReads, FigureAnswers answers) : Endpoint<Request>
{
    public override void Configure()
    {
        Get("/org-units/{org}/rollups/{year}.xlsx");
        Group<TenantGroup>();
        Description(d => d.WithTags("Rollups").AllowedFor(FigureScope.ReadRoles).WithMetadata(new ExpensiveRead("this being an expensive read,"))
            .ClearDefaultProduces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status200OK, typeof(Stream), XlsxWorkbook.ContentType).Produces(304)
            .AcceptsHeader("If-None-Match", FigureAnswers.IfNoneMatchDoc));
        Summary(s => s.Summary =
            "The stored rollup as an Excel workbook: 汇总表 (the official table in the template's layout), 各单位 (each unit's figures side by side), 完成情况 (who reported, on time or late against the deadline, who is missing; read live).");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        // An unchanged file is sent again from memory, which is no expensive read.
        var read = answers.Begin(HttpContext, ProcessorState<RequestAccess>(), [req.Year]);
        if (await answers.TryAnswerFromMemoryAsync(HttpContext, read, ct)) return;
        if (!await expensiveReads.TryEnterAsync(HttpContext, tenantId)) return;

        var timeZone = ProcessorState<RequestAccess>().TimeZone;
        var (rollup, completeness) = await figureDb.ReadAsync(ProcessorState<RequestAccess>(), req.Org, [req.Year], async (db, unit) =>
        {
            var rollup = await StoredRollup.ReadAsync(db, catalog, unit, req.Org, req.Year);
            return (rollup, await CompletenessReader.ReadAsync(db, rollup.OrgUnitId, req.Year, timeZone.Id));
        }, ct);

        var workbook = XlsxWorkbook.Write([OfficialTable.Build(rollup, timeZone), UnitsTable.Build(rollup), CompletenessTable.Build(rollup, completeness)]);
        await Download.SendAsync(answers, HttpContext, read, workbook, XlsxWorkbook.ContentType, rollup, "xlsx", ct);
    }
}
