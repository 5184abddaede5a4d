using System.Text;
using System.Text.RegularExpressions;

namespace Aggregator.Domain.Narrative;

/// <summary>
/// The phrase language of a template's <c>narrative</c> entries, compiled to a regular expression. A phrase is the
/// report's own wording with placeholders: <c>{n}</c> the number the phrase states about its indicator, <c>{p}</c> a
/// share in percent (the <c>%</c> written after it), <c>[…]</c> words a report may leave out, <c>…</c> up to
/// <see cref="GapCharacters"/> characters of the same clause
/// (no comma, no digit: a gap never swallows the number that follows it). Everything else is literal, except that whitespace, line
/// breaks, control characters and quotation marks may stand anywhere inside a phrase (reports break lines mid-sentence and quote option names
/// as “同意部分公开” or not), and full-width and ASCII forms of <c>，：%</c> are the same. A number may be written with
/// full-width digits, thousands separators (1,234) and 万 (1.5万).
/// </summary>
/// <remarks>
/// Compiled with <see cref="RegexOptions.NonBacktracking"/>: matching time is linear in the text whatever the text, so a
/// hostile document cannot make a phrase backtrack (the language has no construct that needs backtracking).
/// </remarks>
public static class NarrativePattern
{
    public const int MaxPatternCharacters = 200;

    /// <summary>How far <c>…</c> reaches: far enough for "举办了2次政府信息与政务公开工作培训", not across a sentence.</summary>
    public const int GapCharacters = 24;

    public const string CountGroup = "n";
    public const string TenThousandGroup = "wan";
    public const string ShareGroup = "p";

    private const string Between = @"[\s\p{Cc}“”""‘’「」『』]*";
    private const string Digit = "[0-9０-９]";
    private const string Number =
        "(?<n>" + Digit + "{1,3}(?:," + Digit + "{3})+(?:[.．]" + Digit + "+)?|" + Digit + "+(?:[.．]" + Digit + "+)?)" + Between + "(?<wan>万)?";
    private const string Share = "(?<p>" + Digit + "+(?:[.．]" + Digit + "+)?)";
    private const string Gap = "[^。！？；;!?，,0-9０-９]{0,24}";

    /// <summary>
    /// A compiled phrase: whether it states a count, a share, or both, and its regular expression. The expression is
    /// built on first use: a non-backtracking one holds about 0.5 MB, so the 131 phrases of the three formats took
    /// 60 MB (and 0.4 s) of every process at start-up, although only a document import ever matches them.
    /// </summary>
    public sealed class Compiled(string expression, bool hasCount, bool hasShare)
    {
        private readonly Lazy<Regex> _regex = new(() => new Regex(expression, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant));

        public Regex Regex => _regex.Value;

        public bool HasCount { get; } = hasCount;

        public bool HasShare { get; } = hasShare;
    }

    /// <exception cref="FormatException">The phrase is empty, too long, has an unclosed or nested <c>[</c>, or repeats a placeholder.</exception>
    public static Compiled Compile(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern)) throw new FormatException("a phrase is empty");
        if (pattern.Length > MaxPatternCharacters) throw new FormatException($"a phrase is longer than {MaxPatternCharacters} characters");
        var regex = new StringBuilder();
        bool count = false, share = false, optional = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '{')
            {
                var close = pattern.IndexOf('}', i);
                var name = close < 0 ? "" : pattern[(i + 1)..close];
                if (name == "n" && !count) { count = true; regex.Append(Number); }
                else if (name == "p" && !share) { share = true; regex.Append(Share); }
                else throw new FormatException($"'{{{name}}}' in \"{pattern}\": a phrase holds {{n}} and {{p}} at most once each, and nothing else in braces");
                if (optional) throw new FormatException($"\"{pattern}\" puts a placeholder inside [ ]");
                regex.Append(Between);
                i = close;
                continue;
            }
            switch (c)
            {
                case '[' when !optional: optional = true; regex.Append("(?:"); continue;
                case ']' when optional: optional = false; regex.Append(")?"); continue;
                case '[' or ']' or '}': throw new FormatException($"\"{pattern}\" has an unbalanced or nested '{c}'");
                case '…': regex.Append(Gap); continue;
            }
            if (char.IsWhiteSpace(c)) continue;
            regex.Append(c switch
            {
                '，' or ',' => "[，,]",
                '：' or ':' => "[：:]",
                '%' or '％' => "[%％]",
                '（' or '(' => "[（(]",
                '）' or ')' => "[）)]",
                _ => Regex.Escape(c.ToString()),
            });
            regex.Append(Between);
        }
        if (optional) throw new FormatException($"\"{pattern}\" has an unclosed '['");
        if (!count && !share) throw new FormatException($"\"{pattern}\" states nothing: it needs {{n}} or {{p}}");
        return new Compiled(regex.ToString(), count, share);
    }
}
