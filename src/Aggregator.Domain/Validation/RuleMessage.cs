using System.Globalization;
using System.Text;
using Aggregator.Domain.Rules;
using Aggregator.Domain.Templates;

namespace Aggregator.Domain.Validation;

/// <summary>Chinese messages that name the indicators with their labels and the numbers.</summary>
internal static class RuleMessage
{
    // Long operand lists are shortened to first+…+last; the outcome lists every code.
    private const int MaxOperandsInFull = 3;

    public static string Failed(ReportTemplate template, ReportRule rule, decimal left, decimal right) =>
        new StringBuilder(rule.Message)
            .Replace("{left}", Names(template, rule.Left, rule.Right))
            .Replace("{right}", Names(template, rule.Right, rule.Left))
            .Replace("{leftValue}", Format(left))
            .Replace("{rightValue}", Format(right))
            .ToString();

    public static string NotEvaluable(ReportTemplate template, ReportRule rule, IEnumerable<string> missing) =>
        $"无法校验：{string.Join("、", missing.Select(code => Name(template, code)))} 未填报或不是有效数值";

    public static string Name(ReportTemplate template, string code) =>
        template.FindIndicator(code) is { } indicator ? $"{indicator.Label}({code})" : code;

    public static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// One side of a rule as a person reads it: one indicator by its label and code; a sum as a sum, never as its first
    /// member: "政府公报公开政府信息数(1.3.1)+政府网站公开政府信息数(1.3.2) 合计", or past a few members the span of
    /// codes under their heading, "通过不同渠道和方式公开政府信息的情况（1.3.1–1.3.5 合计）".
    /// </summary>
    /// <remarks>The heading is left out when the other side of the rule is that heading's own total (3.1 = 3.1.1–3.1.4 合计).</remarks>
    internal static string Names(ReportTemplate template, IReadOnlyList<string> codes, IReadOnlyList<string> otherSide)
    {
        if (codes.Count == 1) return Name(template, codes[0]);
        if (codes.Count <= MaxOperandsInFull) return string.Join("+", codes.Select(code => Name(template, code))) + " 合计";
        var span = Consecutive(template, codes) ? $"{codes[0]}–{codes[^1]}" : $"{codes[0]}+…+{codes[^1]}";
        var parent = template.FindIndicator(codes[0])?.Parent;
        return parent is not null && !otherSide.Contains(parent) && SharedHeading(template, codes) is { } heading
            ? $"{heading}（{span} 合计）"
            : $"{span} 合计";
    }

    /// <summary>The heading all <paramref name="codes"/> sit under, when they share one.</summary>
    internal static string? SharedHeading(ReportTemplate template, IReadOnlyList<string> codes)
    {
        var parent = template.FindIndicator(codes[0])?.Parent;
        if (parent is null || codes.Any(code => template.FindIndicator(code)?.Parent != parent)) return null;
        return template.Groups.FirstOrDefault(group => group.Code == parent)?.Label
               ?? template.FindIndicator(parent)?.Label;
    }

    private static bool Consecutive(ReportTemplate template, IReadOnlyList<string> codes)
    {
        for (var i = 1; i < codes.Count; i++)
        {
            if (!template.TryGetPosition(codes[i - 1], out var before) || !template.TryGetPosition(codes[i], out var position)
                || position != before + 1)
                return false;
        }
        return true;
    }
}
