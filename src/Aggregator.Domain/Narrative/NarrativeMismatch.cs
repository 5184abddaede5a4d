using System.Globalization;
using Aggregator.Domain.Templates;

namespace Aggregator.Domain.Narrative;

/// <summary>
/// A number the prose states that the table contradicts: the sentence (trimmed, at most
/// <see cref="NarrativeCheck.MaxSentenceCharacters"/>), the indicator, the number stated and the table's. For a share
/// (<see cref="Of"/> set) <see cref="Stated"/> and <see cref="Table"/> are percentages, the table's computed from the
/// two indicators and rounded to one decimal.
/// </summary>
public sealed record NarrativeMismatch(string Indicator, string? Of, string Sentence, decimal Stated, decimal Table)
{
    public const string RuleId = "narrative-mismatch";

    public bool IsShare => Of is not null;

    /// <summary>The warning as a Chinese reader reads it, naming the indicators by their labels.</summary>
    public string Message(ReportTemplate template) => IsShare
        ? $"正文“{Sentence}”中{Name(template, Indicator)}占{Name(template, Of!)}的{Format(Stated)}%，按统计表为{Format(Table)}%，相差超过1个百分点。"
        : $"正文“{Sentence}”中{Name(template, Indicator)}为{Format(Stated)}，统计表为{Format(Table)}。";

    /// <summary>The label without its parenthesised counting note ("（不同渠道和方式公开相同信息计1条）"), then the code.</summary>
    private static string Name(ReportTemplate template, string code)
    {
        if (template.FindIndicator(code) is not { } indicator) return code;
        var label = indicator.Label;
        var note = label.IndexOf('（', StringComparison.Ordinal);
        if (note > 0 && label.EndsWith('）')) label = label[..note];
        return $"{label}({code})";
    }

    internal static string Format(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}
