using Aggregator.Domain.Narrative;

namespace Aggregator.Domain.Templates.Loading;

/// <summary>
/// Reads a template's <c>narrative</c> list: each entry names an indicator of the template (and, for a share, the
/// indicator it is a share of) and the phrases that state it; every phrase is compiled here, so a malformed one stops
/// the start-up and names the file.
/// </summary>
internal static class NarrativeReader
{
    /// <summary>Phrases of one template: each is matched over the whole prose, so their number bounds the work.</summary>
    public const int MaxPhrases = 300;

    public static IReadOnlyList<NarrativePhrase> Read(string file, List<NarrativeJson> entries, IReadOnlyList<Indicator> indicators)
    {
        var known = indicators.Select(indicator => indicator.Code).ToHashSet(StringComparer.Ordinal);
        var phrases = new List<NarrativePhrase>();
        foreach (var (entry, index) in entries.Select((entry, index) => (entry, index)))
        {
            var where = $"narrative #{index + 1}";
            var indicator = entry.Indicator is { } code && known.Contains(code)
                ? code
                : throw new TemplateLoadException(file, $"{where} names no indicator of the template ('{entry.Indicator}')");
            if (entry.Of is { } of && (!known.Contains(of) || of == indicator))
                throw new TemplateLoadException(file, $"{where} ({indicator}) is a share of '{of}', which is no other indicator of the template");
            if (entry.Phrases is not { Count: > 0 } texts)
                throw new TemplateLoadException(file, $"{where} ({indicator}) has no phrases");
            foreach (var text in texts)
            {
                NarrativePattern.Compiled compiled;
                try { compiled = NarrativePattern.Compile(text); }
                catch (FormatException error) { throw new TemplateLoadException(file, $"{where} ({indicator}): {error.Message}"); }
                if (compiled.HasShare && entry.Of is null)
                    throw new TemplateLoadException(file, $"{where} ({indicator}): \"{text}\" states a share {{p}} but the entry names no 'of'");
                if (!compiled.HasShare && entry.Of is not null)
                    throw new TemplateLoadException(file, $"{where} ({indicator}): \"{text}\" is an entry of shares of {entry.Of} but states no {{p}}");
                phrases.Add(new NarrativePhrase(indicator, entry.Of, text, compiled));
            }
        }
        if (phrases.Count > MaxPhrases)
            throw new TemplateLoadException(file, $"the narrative has {phrases.Count} phrases; at most {MaxPhrases}");
        return phrases;
    }
}
