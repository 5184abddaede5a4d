using Aggregator.Api.OpenApi;
using System.Text.Json;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Rollups;
using Aggregator.Data;
using Aggregator.Domain.Quality;
using Aggregator.Domain.Templates;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Limits;
using FastEndpoints;
using Microsoft.Extensions.Options;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Quality.Get;

/// <summary>
/// The data-quality flags of a year, for the district office to check what came in: computed on request from
/// the counted reports (nothing stored, nothing to wait for). The units are the unit asked about and every unit
/// below it that has a report that counts for the year; the peers an outlier is judged against are those same
/// units (of the same template), so asking at the district compares all its sub-districts, and asking at a
/// sub-district gives its swings and warnings only — a unit's figures are never compared with figures the
/// caller may not read.
/// </summary>
public sealed class Endpoint(FigureDb figureDb, TemplateCatalog catalog, IOptions<QualityThresholds> thresholds, FigureAnswers answers,
    ExpensiveReads expensiveReads) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/org-units/{org}/quality/{year}");
        Group<TenantGroup>();
        Description(d => d.WithTags("Quality").AllowedFor(FigureScope.ReadRoles).Produces(304)
            .WithMetadata(new ExpensiveRead("this being an expensive read,"))
            .AcceptsHeader("If-None-Match", FigureAnswers.IfNoneMatchDoc));
        Summary(s =>
        {
            s.Summary = "Data-quality flags of the counted reports at or below a unit: swings against last year, outliers among the units, stored warnings. " +
                        "Flags never block a report. Paged: limit flags at a time, in a stable order; next (in the answer, null on the last page) asks for the next page.";
            s.ResponseExamples[200] = Examples.Flags;
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        var read = answers.Begin(HttpContext, ProcessorState<RequestAccess>(), [req.Year, req.Year - 1]);
        if (await answers.TryAnswerFromMemoryAsync(HttpContext, read, ct)) return;
        if (!await expensiveReads.TryEnterAsync(HttpContext, tenantId)) return;
        var previousYear = req.Year - 1;

        // One snapshot of both years (a standby's when it is up to date).
        var (unit, reports, values) = await figureDb.ReadAsync(ProcessorState<RequestAccess>(), req.Org, [req.Year, previousYear], async (db, unit) =>
        {
            var reports = (await Data.ReportsAsync(db, unit.OrgUnitId, req.Year, previousYear)).ToList();
            if (!reports.Any(report => report.Year == req.Year))
                throw NoReports(req);
            var values = (await Data.ValuesAsync(db, unit.OrgUnitId, req.Year, previousYear))
                .ToLookup(row => (row.Year, row.OrgUnit));
            return (unit, reports, values);
        }, ct);

        UnitFigures Figures(Data.ReportRow report) => new(report.OrgUnit, report.Template,
            values[(report.Year, report.OrgUnit)].ToDictionary(row => row.Indicator, row => row.Value, StringComparer.Ordinal),
            report.Warnings is null ? [] : JsonSerializer.Deserialize<List<StoredWarning>>(report.Warnings, JsonSerializerOptions.Web) ?? []);
        var current = reports.Where(report => report.Year == req.Year).ToList();
        var lastYear = reports.Where(report => report.Year == previousYear).ToDictionary(report => report.OrgUnit, Figures, StringComparer.Ordinal);
        var names = current.ToDictionary(report => report.OrgUnit, report => report.Name, StringComparer.Ordinal);

        // Every page is computed from all the flags (an outlier is judged against every unit), then cut at its place.
        var flags = QualityCheck.Flags(catalog, current.Select(Figures).ToList(), lastYear, thresholds.Value)
            .Select(flag => (Flag: flag, Place: FlagPlace.Of(flag, catalog)))
            .OrderBy(entry => entry.Place)
            .ToList();
        var after = req.After();
        var page = flags.Where(entry => after is null || entry.Place.CompareTo(after.Value) > 0).Take(req.Limit + 1).ToList();
        var next = page.Count > req.Limit ? FlagCursor.Write(req.Org, req.Year, page[req.Limit - 1].Place) : null;
        var views = page.Take(req.Limit).Select(entry => entry.Flag).Select(flag => new FlagView(
            flag.OrgUnit, names[flag.OrgUnit], flag.Indicator, flag.Value, QualityOptions.Word(flag.Kind), flag.Why, flag.Template,
            flag.Previous, flag.Median, flag.Peers, flag.RuleId)).ToList();
        await answers.SendAsync(HttpContext, read, new Response(unit.Code, req.Year, current.Count, views, flags.Count, next), null, ct);
    }

    /// <summary>
    /// 404 no-reports, not 200 with no flags: "no flags" would read as "everything checked and in order" on a
    /// dashboard, when nothing was there to check. The rollups and comparisons answer a year nobody reported the same way.
    /// </summary>
    private static ProblemException NoReports(Request req) =>
        new(StatusCodes.Status404NotFound,
            ProblemText.QualityNoReports(req.Org, req.Year),
            new Dictionary<string, object?> { [NotFoundReasons.Member] = NotFoundReasons.NoReports });
}
