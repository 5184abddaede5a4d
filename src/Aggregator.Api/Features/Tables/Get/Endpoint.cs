using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Rollups;
using Aggregator.Api.Features.Rollups.Export;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Limits;
using Aggregator.Api.OpenApi;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Tables.Get;

public sealed class Endpoint(FigureDb figureDb, TemplateCatalog catalog, FigureAnswers answers, ExpensiveReads expensiveReads) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/org-units/{org}/table/{year}");
        Group<TenantGroup>();
        Description(d => d.WithTags("Rollups").AllowedFor(FigureScope.ReadRoles)
            .WithMetadata(new ExpensiveRead($"for a table of more than {ExpensiveReads.TableCells} cells (rows × indicators),"))
            .Produces<Response>(200, "application/json", "text/csv").Produces(304)
            .AcceptsHeader("If-None-Match", FigureAnswers.IfNoneMatchDoc));
        Summary(s =>
        {
            s.Summary = "Several indicators of a year for the units below one, in one call per chart: children (default) or every leaf, in tree " +
                        "order, with the unit's stored total. Accept: text/csv answers the same table as CSV.";
            s.ResponseExamples[200] = Examples.Table;
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var tenantId = ProcessorState<RequestAccess>().TenantId;
        var codes = req.Codes.ToArray();
        var read = answers.Begin(HttpContext, ProcessorState<RequestAccess>(), [req.Year], csv: true);
        if (await answers.TryAnswerFromMemoryAsync(HttpContext, read, ct)) return;

        // One snapshot (a standby's when it is up to date): the rows and the total from the same stored figures, whatever a job commits meanwhile.
        var answer = await figureDb.ReadAsync<Response?>(ProcessorState<RequestAccess>(), req.Org, [req.Year], async (db, unit) =>
        {
            if (!unit.HasChildren)
                throw ProblemException.NotFound(ProblemText.LeafHasNoTable(req.Org));
            var header = await StoredFigures.FindAsync(db, req.Year, unit.OrgUnitId)
                         ?? throw await FigureScope.NotStoredAsync(db, req.Year, ProblemText.FiguresOf(req.Year, req.Org));
            var template = catalog.Find(header.Template);
            foreach (var code in codes)
            {
                if (template?.FindIndicator(code) is not { Aggregate: AggregateKind.Sum })
                    throw ProblemException.Invalid("indicators", ProblemText.NotSummableOfYear(code, header.Template, req.Year));
            }

            var rows = InTreeOrder((await Data.SubtreeAsync(db, unit.OrgUnitId)).ToList(), unit.OrgUnitId, req.Level);
            // Its size is known before its figures are read: a big table is an expensive read, a chart's few cells are not.
            if ((long)rows.Count * codes.Length > ExpensiveReads.TableCells && !await expensiveReads.TryEnterAsync(HttpContext, tenantId))
                return null;
            var values = (await Data.ValuesAsync(db, req.Year, header.Template,
                    [unit.OrgUnitId, .. rows.Where(row => row.HasChildren).Select(row => row.OrgUnitId)],
                    rows.Where(row => !row.HasChildren).Select(row => row.OrgUnitId).ToArray(), codes))
                .ToDictionary(value => (value.OrgUnitId, value.Indicator), value => value.Value);

            decimal?[] Figures(long orgUnitId) => codes.Select(code => values.GetValueOrDefault((orgUnitId, code))).ToArray();
            return new Response(unit.Code, req.Year, header.Template, req.Level, header.ComputedAt, header.Stale, codes,
                rows.Select(row => new TableRow(row.Code, row.Name, Figures(row.OrgUnitId))).ToList(), Figures(unit.OrgUnitId));
        }, ct);
        // The expensive-read gate answered 429.
        if (answer is null) return;
        await answers.SendAsync(HttpContext, read, answer, AsSheet, ct);
    }

    /// <summary>
    /// The rows of the level in tree order: depth first, siblings by code (ordinal, as every list of units is
    /// ordered). children: the units directly below; leaves: every unit with none below it.
    /// </summary>
    private static List<Data.UnitRow> InTreeOrder(List<Data.UnitRow> subtree, long top, string level)
    {
        var byParent = subtree.ToLookup(unit => unit.ParentId);
        var ordered = new List<Data.UnitRow>();
        var pending = new Stack<Data.UnitRow>(byParent[top].OrderByDescending(unit => unit.Code, StringComparer.Ordinal));
        while (pending.TryPop(out var unit))
        {
            if (level == Levels.Children || !unit.HasChildren) ordered.Add(unit);
            if (level == Levels.Leaves)
                foreach (var child in byParent[unit.OrgUnitId].OrderByDescending(child => child.Code, StringComparer.Ordinal)) pending.Push(child);
        }
        return ordered;
    }

    /// <summary>The CSV: a heading line (unit code, name, the indicator codes), a line per row, the total last.</summary>
    private static Sheet AsSheet(Response table)
    {
        var sheet = new Sheet("table", Enumerable.Repeat(12.0, 2 + table.Columns.Count).ToList());
        sheet.Add(RowKind.ColumnHeading, ["单位代码", "单位名称", .. table.Columns]);
        foreach (var row in table.Rows) sheet.Add(RowKind.Figures, [row.OrgUnit, row.Name, .. row.Values.Cast<object?>()]);
        sheet.Add(RowKind.Figures, [table.OrgUnit, "合计", .. table.Total.Cast<object?>()]);
        return sheet;
    }
}
