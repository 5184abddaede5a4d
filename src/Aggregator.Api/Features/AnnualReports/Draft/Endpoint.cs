using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Errors.Texts;
using Aggregator.Api.Features.Rollups;
using Aggregator.Api.Features.Rollups.Export;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Limits;
using Aggregator.Api.OpenApi;
using Aggregator.Data;
using Aggregator.Domain.AnnualReports;
using Aggregator.Domain.Rollups;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Values;
using FastEndpoints;

namespace Aggregator.Api.Features.AnnualReports.Draft;

public sealed class Endpoint(TenantDb tenantDb, TemplateCatalog catalog, ExpensiveReads expensiveReads, FigureAnswers answers) : Endpoint<Request>
{
    /// <summary>Who reads consolidated figures, and the tenant-admin, who drafts and publishes the report.</summary>
    public static readonly string[] ReadRoles = [.. FigureScope.ReadRoles, KeyRoles.TenantAdmin];

    public override void Configure()
    {
        Get("/org-units/{org}/annual-report/{year}.docx");
        Group<TenantGroup>();
        Description(d => d.WithTags("Annual report").AllowedFor(ReadRoles).WithMetadata(new ExpensiveRead("this being an expensive read,"))
            .ClearDefaultProduces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status200OK, typeof(Stream), AnnualReportDocx.ContentType).Produces(304)
            .AcceptsHeader("If-None-Match", FigureAnswers.IfNoneMatchDoc));
        Summary(s => s.Summary =
            "The draft 政府信息公开工作年度报告 of the year as a Word document: the sections of the year's format, paragraphs written from the figures " +
            "(a unit with units below it: its stored rollup, speaking as 全区, with the units it counts; otherwise its own report that counts), the change " +
            "against a comparable previous year, the statistics tables in the official layout, and 【待填写：…】 where people write.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var access = ProcessorState<RequestAccess>();
        var (caller, tenantId) = access;
        // The previous year's figures are part of the text (the change against it).
        var read = answers.Begin(HttpContext, access, [req.Year, req.Year - 1]);
        if (await answers.TryAnswerFromMemoryAsync(HttpContext, read, ct)) return;
        if (!await expensiveReads.TryEnterAsync(HttpContext, tenantId)) return;

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var unit = await FigureScope.FindUnitAsync(db, caller, req.Org);
        var figures = unit.HasChildren ? await ConsolidatedAsync(db, caller, req) : await OwnReportAsync(db, unit, req);
        await db.CommitAsync();

        var document = AnnualReportDocx.Write(figures);
        await answers.SendBytesAsync(HttpContext, read, document, AnnualReportDocx.ContentType, cacheControl: Download.CacheControl,
            disposition: AnnualReportFile.Disposition(unit.Code, figures.UnitName, req.Year), ct: ct);
    }

    /// <summary>The stored rollup (never computed here), the units it counts, and the previous year as the stored comparison has it.</summary>
    private async Task<AnnualReportFigures> ConsolidatedAsync(DbSession db, Caller caller, Request req)
    {
        var rollup = await StoredRollup.ReadAsync(db, catalog, caller, req.Org, req.Year);
        var compared = (await Data.ComparedAsync(db, rollup.OrgUnitId, req.Year)).ToList();
        var previous = compared.Count == 0 ? null : compared.ToDictionary(row => row.Indicator, row => row.BaseValue, StringComparer.Ordinal);
        var counted = rollup.Units.Where(u => u.Values is not null).Select(u => u.Name).ToList();
        return new AnnualReportFigures(rollup.Name, true, req.Year, rollup.Template, rollup.Values, previous, counted);
    }

    /// <summary>The unit's own report that counts; the previous year's when it is on the same template or one mapped to it.</summary>
    private async Task<AnnualReportFigures> OwnReportAsync(DbSession db, FigureScope.Unit unit, Request req)
    {
        var rows = (await Data.CountedAsync(db, unit.OrgUnitId, req.Year)).ToList();
        var current = rows.Where(row => row.Year == req.Year).ToList();
        if (current.Count == 0)
            throw ProblemException.NotFound(ProblemText.NoCountedReport(req.Org, req.Year));
        var template = catalog.Find(current[0].Template)
                       ?? throw new InvalidOperationException($"The {req.Year} report of '{req.Org}' counts on template '{current[0].Template}', which is not loaded.");
        var values = current.ToDictionary(row => row.Indicator, row => row.Value, StringComparer.Ordinal);

        IReadOnlyDictionary<string, decimal?>? previous = null;
        var before = rows.Where(row => row.Year == req.Year - 1).ToList();
        if (before.Count > 0)
        {
            var baseValues = ReportValues.From(before.Select(row => KeyValuePair.Create(row.Indicator, row.Value)));
            if (before[0].Template == template.Code) previous = baseValues;
            else if (catalog.FindMapping(before[0].Template, template.Code) is { } mapping) previous = ComparableValues.FromBase(mapping, baseValues);
        }
        return new AnnualReportFigures(unit.Name, false, req.Year, template, values, previous, []);
    }
}
