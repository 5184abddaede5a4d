using System.Globalization;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Input;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Values;

namespace Aggregator.Api.Features.Imports;

/// <summary>A report of the file that passed every check: what <see cref="ImportJob"/> hands to the version writer.</summary>
public sealed record PlannedReport(string Org, long OrgUnitId, int Year, int Line, ReportContent Content,
    IReadOnlyList<RuleFinding> Warnings, DateTimeOffset? ReportedAt);

/// <summary>
/// Groups an import file's rows into one report per (org, year), in the order the file first names them, and checks
/// each as a POST of versions would be checked — the year, the template, the values and the rules — plus what only a
/// file can get wrong: an org code the tenant has not, rows of one report disagreeing on its template or reportedAt,
/// an indicator given twice with different values (given twice with the same value, it counts once), a cell that is
/// no number or no date. Any of it rejects the whole report; the other reports are unaffected.
/// </summary>
public sealed class ImportPlanner(TemplateCatalog catalog, IReadOnlyDictionary<string, long> orgUnits, int currentYear,
    TimeZoneInfo zone, DateTimeOffset now, string note)
{
    /// <summary>Reasons listed per rejected report; beyond, one reason counts the rest.</summary>
    public const int MaxReasons = 20;

    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd HH:mmzzz",
    ];

    private static readonly string[] LocalFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd",
    ];

    public (IReadOnlyList<PlannedReport> Planned, IReadOnlyList<ImportRejection> Rejected) Plan(IReadOnlyList<ImportRow> rows)
    {
        var groups = new Dictionary<(string Org, string Year), List<ImportRow>>();
        foreach (var row in rows)
        {
            if (!groups.TryGetValue((row.Org, row.Year), out var group)) groups[(row.Org, row.Year)] = group = [];
            group.Add(row);
        }

        var planned = new List<PlannedReport>();
        var rejected = new List<ImportRejection>();
        foreach (var ((org, yearText), group) in groups)
        {
            var reasons = new List<string>();
            var outcome = Check(org, yearText, group, reasons);
            if (outcome is not null && reasons.Count == 0) planned.Add(outcome);
            else
            {
                var listed = reasons.Count <= MaxReasons ? reasons : [.. reasons.Take(MaxReasons), $"… and {reasons.Count - MaxReasons} more."];
                rejected.Add(new ImportRejection(Echo(org), YearOf(yearText), group[0].Line, listed));
            }
        }
        return (planned, rejected);
    }

    private PlannedReport? Check(string org, string yearText, List<ImportRow> rows, List<string> reasons)
    {
        var first = rows[0].Line;
        foreach (var row in rows.Where(r => r.Problem is not null)) reasons.Add($"line {row.Line}: {row.Problem}.");

        long orgUnitId = 0;
        if (org.Length == 0) reasons.Add($"line {first}: no org code.");
        else if (!orgUnits.TryGetValue(org, out orgUnitId))
            reasons.Add($"line {first}: unknown org unit '{Echo(org)}': no unit of this tenant has that code.");

        var year = YearOf(yearText);
        if (year is null) reasons.Add($"line {first}: '{Echo(yearText)}' is no year.");
        else if (!ReportYears.Accepts(year.Value, currentYear)) reasons.Add($"line {first}: {ReportYears.Message(currentYear)}");

        var templateCode = Agreed(rows, r => r.Template, "template", reasons);
        var reportedAt = ReportedAt(rows, year, reasons);
        var entries = Entries(rows, reasons);
        if (reasons.Count > 0 || year is null) return null;

        try
        {
            var template = ReportRules.TemplateFor(catalog, templateCode is { Length: > 0 } ? templateCode : null, year.Value);
            var input = ReportInput.From(entries);
            var validation = ReportRules.Check(template, input);
            ReportRules.RequireFigures(template, input);
            return new PlannedReport(org, orgUnitId, year.Value, first, ReportContent.From(template, input.Entries, note),
                RuleFinding.From(validation.Warnings), reportedAt);
        }
        catch (ProblemException problem)
        {
            reasons.Add($"line {first}: {problem.Message}");
            if (problem.Extensions.TryGetValue(ReportRules.RulesMember, out var rules) && rules is IEnumerable<RuleFinding> findings)
                reasons.AddRange(findings.Select(finding => $"{finding.RuleId}: {finding.Message}"));
            return null;
        }
    }

    /// <summary>The one value the rows give for a column; rows leaving it empty take the others'. Null when none gives one.</summary>
    private static string? Agreed(List<ImportRow> rows, Func<ImportRow, string> column, string name, List<string> reasons)
    {
        var given = rows.Where(r => column(r).Length > 0).ToList();
        var distinct = given.DistinctBy(column, StringComparer.Ordinal).Take(2).ToList();
        if (distinct.Count > 1)
            reasons.Add($"lines {distinct[0].Line} and {distinct[1].Line} give the report different {name}s: " +
                        $"'{Echo(column(distinct[0]))}' and '{Echo(column(distinct[1]))}'; every row of one report must give the same.");
        return distinct.Count == 0 ? null : column(distinct[0]);
    }

    private DateTimeOffset? ReportedAt(List<ImportRow> rows, int? year, List<string> reasons)
    {
        if (Agreed(rows, r => r.ReportedAt, "reportedAt", reasons) is not { } text) return null;
        var line = rows.First(r => r.ReportedAt == text).Line;
        DateTimeOffset at;
        if (DateTimeOffset.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            at = withOffset;
        else if (text.EndsWith('Z') && DateTime.TryParseExact(text[..^1], LocalFormats[..4], CultureInfo.InvariantCulture,
                     DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
            at = new DateTimeOffset(utc, TimeSpan.Zero);
        else if (DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            // Without an offset, the time is the tenant's wall clock (its time zone, as its calendar year is).
            at = new DateTimeOffset(local, zone.GetUtcOffset(local));
        else
        {
            reasons.Add($"line {line}: reportedAt '{Echo(text)}' is no ISO 8601 date and time (2018-01-20T10:30:00+08:00, or without " +
                        "an offset in the tenant's time zone).");
            return null;
        }

        if (at > now) reasons.Add($"line {line}: reportedAt {text} is in the future.");
        else if (year is { } y && at.Year < y) reasons.Add($"line {line}: reportedAt {text} is before the year {y} the report is about.");
        // In UTC: timestamptz takes no other offset through Npgsql, and the instant is what is kept.
        return at.ToUniversalTime();
    }

    /// <summary>The values in file order, an indicator given twice with one value once; empty cells are reported empty (null).</summary>
    private static List<RawValue> Entries(List<ImportRow> rows, List<string> reasons)
    {
        var entries = new List<RawValue>();
        var seen = new Dictionary<string, (int Line, RawValue Value, string Text)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.Indicator.Length == 0)
            {
                reasons.Add($"line {row.Line}: no indicator code.");
                continue;
            }
            if (Value(row) is not { } value)
            {
                reasons.Add($"line {row.Line}: the value '{Echo(row.Value)}' of indicator {Echo(row.Indicator)} is no number " +
                            "(digits with an optional sign and decimal point, no thousands separators; empty for a cell reported empty).");
                continue;
            }
            if (seen.TryGetValue(row.Indicator, out var earlier))
            {
                if (!Same(earlier.Value, value))
                    reasons.Add($"lines {earlier.Line} and {row.Line} give indicator {Echo(row.Indicator)} two values: " +
                                $"'{Echo(earlier.Text)}' and '{Echo(row.Value)}'.");
                continue;
            }
            seen[row.Indicator] = (row.Line, value, row.Value);
            entries.Add(value);
        }
        return entries;
    }

    private static RawValue? Value(ImportRow row)
    {
        if (row.Value.Length == 0) return new RawValue(row.Indicator, RawValueKind.Missing, 0m, null);
        const NumberStyles number = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        // Exact: a number finer than decimal holds keeps its text, and the rules refuse it as a POST's would.
        return decimal.TryParse(row.Value, number, CultureInfo.InvariantCulture, out var parsed)
            ? ExactDecimal.Value(row.Indicator, row.Value, parsed)
            : null;
    }

    private static bool Same(RawValue a, RawValue b) =>
        a.Kind == b.Kind && (a.Kind != RawValueKind.Number || a.Number == b.Number && a.Raw == b.Raw);

    private static int? YearOf(string text) =>
        text.Length <= 9 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) ? year : null;

    /// <summary>A cell as it may be shown back: control characters escaped, at most 100 characters.</summary>
    private static string Echo(string cell)
    {
        var visible = ControlCharacters.Visible(cell);
        return visible.Length <= 100 ? visible : string.Concat(visible.AsSpan(0, 100), "…");
    }
}
