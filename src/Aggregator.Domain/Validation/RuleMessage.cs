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
            .Replace("{left}", Names(template, rule.Left))
            .Replace("{right}", Names(template, rule.Right))
            .Replace("{leftValue}", Format(left))
            .Replace("{rightValue}", Format(right))
            .ToString();

    public static string NotEvaluable(ReportTemplate template, ReportRule rule, IEnumerable<string> missing) =>
        $"无法校验：{string.Join("、", missing.Select(code => Name(template, code)))} 未填报或不是有效数值";

    public static string Name(ReportTemplate template, string code) =>
        template.FindIndicator(code) is { } indicator ? $"{indicator.Label}({code})" : code;

    public static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Names(ReportTemplate template, IReadOnlyList<string> codes) =>
        codes.Count <= MaxOperandsInFull
            ? string.Join("+", codes.Select(code => Name(template, code)))
            : $"{Name(template, codes[0])}+…+{Name(template, codes[^1])}";
}
