using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Aggregator.Domain.Templates;

namespace Aggregator.Domain.Narrative;

/// <summary>
/// Compares the numbers a report's prose states about its table with the table: "共主动公开政府信息975条" against 1.1,
/// "占总数的67%" against 3.1.3 ÷ 3.1. What counts as such a statement is the template's <c>narrative</c> phrases; a
/// number no phrase claims is not checked. A figure left empty in the table, or a share of an empty or zero total, is
/// not checked either. A share disagrees only when more than <see cref="ShareTolerance"/> percentage point off (reports
/// round: 66.7% is written 67%); a number written in 万 agrees when the table's, rounded the same way, reads the same.
/// </summary>
/// <remarks>
/// Bounded whatever the document: the first <see cref="MaxProseCharacters"/> characters are read, each phrase claims at
/// most <see cref="MaxMatchesPerPhrase"/> places, and at most <see cref="MaxMismatches"/> mismatches are told: the first in
/// the text, one per indicator. Matching is linear in the text (<see cref="NarrativePattern"/>).
/// </remarks>
public static class NarrativeCheck
{
    public const int MaxProseCharacters = 100_000;
    public const int MaxMatchesPerPhrase = 50;
    public const int MaxMismatches = 20;
    public const int MaxSentenceCharacters = 120;
    public const decimal ShareTolerance = 1m;
    public const int MaxNumberCharacters = 20;

    /// <summary>Where a sentence ends: the prose's own punctuation; a line break may fall inside a sentence.</summary>
    private const string SentenceEnds = "。！？；;!?";

    /// <summary>How far from the phrase a sentence is looked for on either side.</summary>
    private const int SentenceReach = 80;

    /// <param name="prose">The report's text outside its statistics table.</param>
    /// <param name="values">The table's figures by indicator code; null or absent: left empty.</param>
    public static IReadOnlyList<NarrativeMismatch> Check(ReportTemplate template, string prose, IReadOnlyDictionary<string, decimal?> values)
    {
        if (template.Narrative.Count == 0 || prose.Length == 0) return [];
        var text = prose.Length > MaxProseCharacters ? prose[..MaxProseCharacters] : prose;
        var claims = new List<Claim>();
        foreach (var phrase in template.Narrative)
        {
            var match = phrase.Compiled.Regex.Match(text);
            for (var found = 0; match.Success && found < MaxMatchesPerPhrase; found++, match = match.NextMatch())
                claims.Add(new Claim(phrase, match, Anchor(match)));
        }

        // Two phrases may claim the same number: "不同意公开的1件" is 3.3.4's, though "同意公开的1件" (3.3.2) is inside it.
        // The phrase that starts earlier says more about the number, so it wins.
        var mismatches = new List<(int Position, NarrativeMismatch Mismatch)>();
        var told = new HashSet<(string, string?, int)>();
        foreach (var place in claims.GroupBy(claim => claim.Anchor))
        {
            var start = place.Min(claim => claim.Match.Index);
            foreach (var claim in place.Where(claim => claim.Match.Index == start))
            {
                if (Compare(claim, text, values) is { } mismatch && told.Add((mismatch.Indicator, mismatch.Of, place.Key)))
                    mismatches.Add((place.Key, mismatch));
            }
        }
        // One mismatch per indicator, the first in the text: it is what a person corrects, and a quality flag is one per
        // unit, indicator and rule.
        return mismatches.OrderBy(entry => entry.Position).ThenBy(entry => entry.Mismatch.Of is null ? 0 : 1)
            .Select(entry => entry.Mismatch)
            .DistinctBy(mismatch => mismatch.Indicator, StringComparer.Ordinal)
            .Take(MaxMismatches).ToList();
    }

    private sealed record Claim(NarrativePhrase Phrase, Match Match, int Anchor);

    private static int Anchor(Match match) =>
        match.Groups[NarrativePattern.CountGroup] is { Success: true } count ? count.Index : match.Groups[NarrativePattern.ShareGroup].Index;

    private static NarrativeMismatch? Compare(Claim claim, string text, IReadOnlyDictionary<string, decimal?> values)
    {
        var (phrase, match) = (claim.Phrase, claim.Match);
        var part = values.GetValueOrDefault(phrase.Indicator);
        var count = match.Groups[NarrativePattern.CountGroup];
        if (count.Success && part is { } table && Parse(count.Value) is { } stated)
        {
            var inTenThousands = match.Groups[NarrativePattern.TenThousandGroup].Success;
            if (!Agrees(stated, inTenThousands, table))
                return new NarrativeMismatch(phrase.Indicator, null, Sentence(text, match), inTenThousands ? stated * 10_000 : stated, table);
        }

        var share = match.Groups[NarrativePattern.ShareGroup];
        if (share.Success && phrase.Of is { } of && part is { } numerator && values.GetValueOrDefault(of) is { } whole and not 0m
            && Parse(share.Value) is { } percent)
        {
            // A table's figures are bounded (ExactDecimal), but a share of a tiny decimal whole can still leave decimal's range.
            if (!TryShare(numerator, whole, out var actual)) return null;
            if (Math.Abs(percent - actual) > ShareTolerance)
                return new NarrativeMismatch(phrase.Indicator, of, Sentence(text, match), percent, Math.Round(actual, 1, MidpointRounding.AwayFromZero));
        }
        return null;
    }

    private static bool TryShare(decimal part, decimal whole, out decimal percent)
    {
        try { percent = part / whole * 100m; return true; }
        catch (OverflowException) { percent = 0; return false; }
    }

    /// <summary>
    /// 1,234 → 1234; ９７５ → 975; １．５ → 1.5. Null past <see cref="MaxNumberCharacters"/>: no count a report states is that
    /// long, and a shorter one stays exact in a decimal when multiplied by 10,000 (万) or 100.
    /// </summary>
    internal static decimal? Parse(string written)
    {
        var ascii = new StringBuilder(written.Length);
        foreach (var c in written)
        {
            if (c is >= '０' and <= '９') ascii.Append((char)('0' + (c - '０')));
            else if (c == '．') ascii.Append('.');
            else if (c != ',') ascii.Append(c);
        }
        return ascii.Length <= MaxNumberCharacters && decimal.TryParse(ascii.ToString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
    }

    /// <summary>1.5万 agrees with 15,234: the table's figure in 万, rounded to the places written, reads 1.5.</summary>
    private static bool Agrees(decimal stated, bool inTenThousands, decimal table)
    {
        if (!inTenThousands) return stated == table;
        return Math.Round(table / 10_000m, Math.Min(stated.Scale, (byte)8), MidpointRounding.AwayFromZero) == stated;
    }

    // Outside the phrase a line break ends the sentence too: a heading line above it ("（一）主动公开情况") has no full stop.
    private static bool Ends(char c) => c == '\n' || SentenceEnds.Contains(c, StringComparison.Ordinal);

    /// <summary>The sentence around a phrase, as a person can find it again: between the punctuation that ends sentences
    /// (at most <see cref="SentenceReach"/> characters either side), whitespace and control characters collapsed, at most
    /// <see cref="MaxSentenceCharacters"/> characters.</summary>
    internal static string Sentence(string text, Match match)
    {
        var start = match.Index;
        var floor = Math.Max(0, match.Index - SentenceReach);
        while (start > floor && !Ends(text[start - 1])) start--;
        var end = match.Index + match.Length;
        var ceiling = Math.Min(text.Length, end + SentenceReach);
        while (end < ceiling && !Ends(text[end - 1]) && text[end] != '\n') end++;

        var sentence = new StringBuilder(end - start);
        var space = false;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            // Control characters, blanks and halves of a broken surrogate pair are no part of what a person reads (and
            // PostgreSQL refuses NUL in the stored warning).
            var blank = char.IsWhiteSpace(c) || char.IsControl(c)
                        || char.IsHighSurrogate(c) && (i + 1 >= end || !char.IsLowSurrogate(text[i + 1]))
                        || char.IsLowSurrogate(c) && (i == start || !char.IsHighSurrogate(text[i - 1]));
            if (blank) { space = sentence.Length > 0; continue; }
            if (space) sentence.Append(' ');
            space = false;
            sentence.Append(c);
        }
        if (sentence.Length <= MaxSentenceCharacters) return sentence.ToString();
        var cut = MaxSentenceCharacters - 1;
        if (char.IsHighSurrogate(sentence[cut - 1])) cut--;
        return sentence.ToString(0, cut) + "…";
    }
}
