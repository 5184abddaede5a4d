using System.Buffers;
using System.Text;
using FluentValidation.Results;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Input;

/// <summary>
/// Control characters — C0 other than tab, line feed and carriage return, DEL and C1 — no report, name or code
/// contains one, and PostgreSQL refuses NUL outright. They are refused at the edge with a 400 naming the field.
/// So are the characters Unicode marks Bidi_Control (embeddings and overrides U+202A–U+202E, isolates
/// U+2066–U+2069, and the invisible marks U+200E, U+200F, U+061C): they reorder how a name or note is shown
/// ("Trojan Source"), or, the marks, make two codes or names that differ look the same. Nothing in these reports
/// is written right to left, so no legitimate text needs one.
/// </summary>
public static class ControlCharacters
{
    // Declared before Refused, which is built from it (static fields initialise in order).
    /// <summary>Unicode's Bidi_Control property: ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI.</summary>
    public static readonly char[] BidiControls =
        ['\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];

    private static readonly SearchValues<char> Refused = SearchValues.Create(
        Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c)
            .Where(c => c is not ('\t' or '\n' or '\r'))
            .Concat(BidiControls).ToArray());

    public const string Reason =
        "must not contain control characters (U+0000–U+001F other than tab, line feed and carriage return, U+007F–U+009F) " +
        "or bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)";

    public static bool In(string? text) => text is not null && text.AsSpan().ContainsAny(Refused);

    /// <summary>The failure for a field whose value holds one.</summary>
    public static ValidationFailure Failure(string field) => new(field, ProblemText.ControlCharacters(field));

    /// <summary>The failure for a string (or a key) that escapes half of a surrogate pair: valid JSON, but no Unicode text.</summary>
    public static ValidationFailure NotTextFailure(string field) =>
        new(field, ProblemText.UnpairedSurrogate(field));

    /// <summary>The failure for a map key holding one: the field is the map, the message shows the key escaped.</summary>
    public static ValidationFailure KeyFailure(string field, string key) =>
        new(field, ProblemText.ControlCharactersKey(Visible(key), field));

    /// <summary>The text with its control characters written as \uXXXX, to show a name without sending the character back.</summary>
    public static string Visible(string text)
    {
        if (!In(text)) return text;
        var visible = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (Refused.Contains(c)) visible.Append($"\\u{(int)c:X4}");
            else visible.Append(c);
        }
        return visible.ToString();
    }
}
