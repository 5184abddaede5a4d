using System.Globalization;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>
/// A version's note: what the sender wrote, or what an import writes for it (the file it came from). Part of the
/// version's content (<see cref="ReportContent"/>): the same figures with another note are another version.
/// </summary>
public static class ReportNotes
{
    /// <summary>Characters of a note, as a request may send it and as any note is stored.</summary>
    public const int MaxCharacters = 2000;

    /// <summary>Characters of an uploaded file's name (what file systems allow), which an import's note may carry.</summary>
    public const int MaxFileNameCharacters = 255;

    /// <summary>A note an import composes, cut to <see cref="MaxCharacters"/> (on a code point, never inside a surrogate pair).</summary>
    public static string Clip(string note)
    {
        if (note.Length <= MaxCharacters) return note;
        var runes = note.EnumerateRunes().ToList();
        if (runes.Count <= MaxCharacters) return note;
        return string.Concat(runes.Take(MaxCharacters - 1).Select(rune => rune.ToString())) + "…";
    }

    public static string FileNameMessage(int length) => ProblemText.FileNameTooLong(MaxFileNameCharacters, length);
}
