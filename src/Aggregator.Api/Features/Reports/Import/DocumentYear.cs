using System.Text.RegularExpressions;

namespace Aggregator.Api.Features.Reports.Import;

/// <summary>
/// The year an annual report names itself: its title (陶然亭街道2017年政府信息公开工作年度报告) and the header of its
/// statistics table (（2017年度）), in Arabic, full-width or Chinese numerals (二〇一七年). In real documents the two agree;
/// when they do not, the table header is the year: it labels the figures, and a title left over from last year's
/// document is the likelier slip — the answer then warns (<see cref="Conflict"/>).
/// </summary>
public sealed partial record DocumentYear(int? Title, int? TableHeader)
{
    /// <summary>Lines read for the title: it stands at the top, before the prose.</summary>
    private const int TitleLines = 10;

    /// <summary>A title is one short line; a longer one is prose that happens to mention a report.</summary>
    private const int MaxTitleCharacters = 80;

    public const string ConflictRuleId = "document-years-differ";

    /// <summary>The year the document's figures are of, when it names one.</summary>
    public int? Year => TableHeader ?? Title;

    /// <summary>The lines of a document's text in order (paragraphs of a .docx), the table's own lines included or not.</summary>
    public static DocumentYear Find(IReadOnlyList<string> lines)
    {
        int? title = null, header = null;
        var seen = 0;
        for (var index = 0; index < lines.Count; index++)
        {
            var line = Compact(lines[index]);
            if (line.Length == 0) continue;
            if (line.Contains(TextTableReader.Title, StringComparison.Ordinal))
            {
                // The header is on the title's line ("政府信息公开情况统计表（2017年度）") or one of the next two.
                header = YearIn(HeaderYear(), line);
                for (var next = index + 1; header is null && next < lines.Count && next <= index + 3; next++)
                    header = YearIn(HeaderYear(), Compact(lines[next]));
                break;
            }
            if (title is null && seen++ < TitleLines && line.Length <= MaxTitleCharacters) title = YearIn(TitleYear(), line);
        }
        return new DocumentYear(title, header);
    }

    /// <summary>The warning when title and table header name different years; null when they agree or one is silent.</summary>
    public Aggregator.Api.Features.Reports.Shared.RuleFinding? Conflict() =>
        Title is { } title && TableHeader is { } header && title != header
            ? new(ConflictRuleId, [], $"文档标题写的是{title}年，统计表表头写的是{header}年度；按表头的{header}年度读取了统计数，请核对标题。")
            : null;

    private static int? YearIn(Regex pattern, string line) =>
        pattern.Match(line) is { Success: true } match && Number(match.Groups["year"].Value) is { } year ? year : null;

    /// <summary>2017, ２０１７, 二〇一七 or 二零一七 → 2017; null for anything else.</summary>
    private static int? Number(string digits)
    {
        var year = 0;
        foreach (var c in digits)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= '０' and <= '９' => c - '０',
                '〇' or '○' or '零' => 0,
                _ when ChineseDigits.Contains(c, StringComparison.Ordinal) => ChineseDigits.IndexOf(c, StringComparison.Ordinal) + 1,
                _ => -1,
            };
            if (digit < 0) return null;
            year = year * 10 + digit;
        }
        return year is >= 1900 and <= 2999 ? year : null;
    }

    private const string ChineseDigits = "一二三四五六七八九";

    private static string Compact(string line) => string.Concat(line.Where(c => !char.IsWhiteSpace(c)));

    private const string YearDigits = "(?<year>[0-9０-９]{4}|[〇○零一二三四五六七八九]{4})";

    /// <summary>…2017年…年度报告 (also 2017年度…年度报告), within one short line without sentence punctuation between.</summary>
    [GeneratedRegex(YearDigits + "年[^。，；！？,;]{0,40}?年度报告")]
    private static partial Regex TitleYear();

    /// <summary>（2017年度） or (2017年).</summary>
    [GeneratedRegex("[（(]" + YearDigits + "年度?[)）]")]
    private static partial Regex HeaderYear();
}
