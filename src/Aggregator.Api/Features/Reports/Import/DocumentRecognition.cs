using System.Globalization;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Domain.Templates;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Import;

/// <summary>
/// Whether a document's table is the template's table. A document of another year's format read against the
/// wrong template maps nothing, and stored it was an empty version over a complete one; so an import stores
/// only when a table was found, at least one indicator mapped and no other template's layout fits it better.
/// Otherwise the answer says what was found — and whose layout the table has, when another template knows it.
/// </summary>
public sealed record DocumentRecognition(bool Recognised, string Detail, IReadOnlyDictionary<string, object?> Found)
{
    public static DocumentRecognition Of(TemplateCatalog catalog, ReportTemplate template, int year, string format,
        IReadOnlyList<TableRow> rows, LayoutMatch match)
    {
        var matchedRows = match.MatchedRows;
        var mapped = match.Values.Count;
        // Other templates are tried only for a table in doubt (nothing mapped, or most rows foreign): the answer
        // then names the layout it has; a table that is plainly the template's costs no second matching.
        var inDoubt = rows.Count > 0 && (mapped == 0 || matchedRows * 2 < rows.Count);
        var other = inDoubt ? BestOtherLayout(catalog, template, rows) : null;
        var found = new Dictionary<string, object?>
        {
            ["template"] = template.Code,
            ["format"] = format,
            ["rowsRead"] = rows.Count,
            ["rowsMatched"] = matchedRows,
            ["indicatorsMapped"] = mapped,
            ["matchingTemplate"] = other?.Template.Code,
        };

        // A table in the template's layout with a few relabelled or extra rows is still that table; one whose rows
        // are mostly foreign, and that another template's layout fits better, is that other template's table.
        var fitsAnotherBetter = matchedRows * 2 < rows.Count && other is { } better && better.Rows > matchedRows;
        var recognised = mapped > 0 && !fitsAnotherBetter;
        var detail = recognised ? ""
            : rows.Count == 0
                ? ProblemText.DocumentNoTable(format, template.Code, year, TextTableReader.Title)
                : ProblemText.DocumentNotTheTable(format, rows.Count, matchedRows, template.Code, year, mapped, Elsewhere(other, rows.Count));
        return new DocumentRecognition(recognised, detail, found);
    }

    /// <summary>422 <c>unrecognised-document</c> unless recognised; the answer carries what was found.</summary>
    public void Require()
    {
        if (!Recognised)
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, Detail, Found, type: ProblemTypes.UnrecognisedDocument);
    }

    /// <summary>For a dry run, which answers what it found: the reason a storing import would refuse.</summary>
    public RuleFinding? AsFinding() => Recognised ? null : new RuleFinding(ProblemTypes.UnrecognisedDocument, [], Detail);

    private static (ReportTemplate Template, int Rows)? BestOtherLayout(TemplateCatalog catalog, ReportTemplate template, IReadOnlyList<TableRow> rows) =>
        catalog.All
            .Where(other => other.Code != template.Code && other.Layout.Count > 0)
            .Select(other => (Template: other, Rows: LayoutMatcher.Match(other, rows).MatchedRows))
            .Where(candidate => candidate.Rows * 2 >= rows.Count && candidate.Rows > 0)
            .OrderByDescending(candidate => candidate.Rows)
            .Cast<(ReportTemplate, int)?>()
            .FirstOrDefault();

    private static string Elsewhere((ReportTemplate Template, int Rows)? other, int rowCount)
    {
        if (other is not { } found) return "";
        var years = found.Template.LastYear is { } last ? $"{found.Template.FirstYear}–{last}" : ProblemText.YearsFrom(found.Template.FirstYear);
        return ProblemText.DocumentElsewhere(found.Template.Code, found.Rows, rowCount, years);
    }
}
