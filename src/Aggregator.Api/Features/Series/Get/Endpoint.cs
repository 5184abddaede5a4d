using Aggregator.Api.OpenApi;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Rollups;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Features.Rollups.Export;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Series.Get;

public sealed class Endpoint(FigureDb figureDb, TemplateCatalog catalog, FigureAnswers answers) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/org-units/{org}/series");
        Group<TenantGroup>();
        Description(d => d.WithTags("Series").AllowedFor(FigureScope.ReadRoles)
            .Produces<Response>(200, "application/json", "text/csv").Produces(304)
            .AcceptsHeader("If-None-Match", FigureAnswers.IfNoneMatchDoc));
        Summary(s => s.Summary = "Indicators per year (indicator=one code, or indicators=a,b): a unit's stored rollups, or its own counted reports when it has no " +
                                 "units below it. Accept: text/csv answers a line per year.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        var codes = req.Codes.ToArray();
        var field = req.Indicator is { Length: > 0 } ? "indicator" : "indicators";
        // A code no template knows would answer a row of empty years, as if nobody had reported it.
        foreach (var code in codes)
        {
            if (!catalog.All.Any(template => template.FindIndicator(code) is not null))
                throw ProblemException.Invalid(field, ProblemText.NotAnIndicator(code, string.Join(", ", catalog.All.Select(t => t.Code))));
        }

        var read = answers.Begin(HttpContext, ProcessorState<RequestAccess>(), null, csv: true);
        if (await answers.TryAnswerFromMemoryAsync(HttpContext, read, ct)) return;

        // One snapshot of every year (a standby's when it is up to date): the years and their values from the same stored figures.
        var (unit, years, values) = await figureDb.ReadAsync(ProcessorState<RequestAccess>(), req.Org, null, async (db, unit) =>
        {
            var years = unit.HasChildren
                ? await Data.RollupYearsAsync(db, unit.OrgUnitId, req.From, req.To)
                : await Data.ReportYearsAsync(db, unit.OrgUnitId, req.From, req.To);
            var values = (unit.HasChildren
                    ? await Data.RollupValuesAsync(db, unit.OrgUnitId, codes, req.From, req.To)
                    : await Data.ReportValuesAsync(db, unit.OrgUnitId, codes, req.From, req.To))
                .ToDictionary(row => (row.Year, row.Indicator));
            return (unit, years, values);
        }, ct);

        var one = codes.Length == 1;
        var points = years.Select(year =>
        {
            var row = codes.Select(code => values.GetValueOrDefault((year.Year, code))).ToList();
            // A summed indicator nobody reported has no stored row: 0 reporters, as the rollup answers it.
            int? reporters = one && unit.HasChildren ? row[0]?.Reporters ?? 0 : null;
            return new Point(year.Year, year.Template, one ? row[0]?.Value : null, reporters, row.Select(value => value?.Value).ToList(),
                year.ComputedAt, year.Stale, year.ExpectedUnits, year.CountedUnits);
        }).ToList();
        var answer = new Response(unit.Code, one ? codes[0] : null, codes, unit.HasChildren ? "rollup" : "report", points);
        await answers.SendAsync(HttpContext, read, answer, AsSheet, ct);
    }

    /// <summary>The CSV: a line per year (year, template, a column per indicator, computedAt, stale).</summary>
    private static Sheet AsSheet(Response series)
    {
        var sheet = new Sheet("series", Enumerable.Repeat(12.0, 4 + series.Indicators.Count).ToList());
        sheet.Add(RowKind.ColumnHeading, ["year", "template", .. series.Indicators, "computedAt", "stale"]);
        foreach (var point in series.Points)
            sheet.Add(RowKind.Figures, [point.Year, point.Template, .. point.Values.Cast<object?>(),
                point.ComputedAt?.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", System.Globalization.CultureInfo.InvariantCulture),
                point.Stale switch { true => "true", false => "false", null => null }]);
        return sheet;
    }
}
