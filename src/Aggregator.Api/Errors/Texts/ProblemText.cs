using System.Globalization;
using System.Resources;

namespace Aggregator.Api.Errors.Texts;

/// <summary>
/// The texts of problem answers in the reader's language: Chinese (the neutral resources, Problems.resx) unless the
/// request asks for English (<c>Accept-Language: en</c>, Problems.en.resx). The request's language is the current UI
/// culture, set by the request localization middleware (<see cref="ProblemLanguage"/>); outside a request (a job) it is
/// Chinese unless a caller set another.
/// </summary>
public static partial class ProblemText
{
    private static readonly ResourceManager Resources = new("Aggregator.Api.Errors.Texts.Problems", typeof(ProblemText).Assembly);

    /// <summary>The text of <paramref name="key"/> in the current UI culture, its placeholders filled invariantly.</summary>
    public static string Get(string key, params object?[] args) => Get(CultureInfo.CurrentUICulture, key, args);

    public static string Get(CultureInfo culture, string key, params object?[] args)
    {
        var text = Resources.GetString(key, ProblemLanguage.Supported(culture))
                   ?? throw new InvalidOperationException($"No text '{key}' in the problem resources.");
        return args.Length == 0 ? text : string.Format(CultureInfo.InvariantCulture, text, args);
    }

    /// <summary>The title of a status in <paramref name="culture"/>; null for a status without one.</summary>
    public static string? Title(CultureInfo culture, int status) =>
        Resources.GetString($"Title{status.ToString(CultureInfo.InvariantCulture)}", ProblemLanguage.Supported(culture));

    /// <summary>The names of every text, for the test that both languages hold them all.</summary>
    internal static IEnumerable<string> Keys(CultureInfo culture) =>
        Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)?.Cast<System.Collections.DictionaryEntry>()
            .Select(entry => (string)entry.Key) ?? [];
}
