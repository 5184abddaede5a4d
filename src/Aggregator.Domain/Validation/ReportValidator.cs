using Aggregator.Domain.Rules;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Values;

namespace Aggregator.Domain.Validation;

/// <summary>
/// Checks a report against its template: every value on its own (per indicator), then every declared rule.
/// Runs over an array indexed by indicator position with rules precompiled at load time; the only
/// allocations are the result's arrays and, when something fails, the failures.
/// </summary>
public static class ReportValidator
{
    private const int StackLimit = 1024;

    /// <summary>
    /// Unknown or repeated codes named one finding each; beyond, one finding counts the rest. The edge bounds the
    /// entries, but a finding per code still let a small body of made-up codes answer hundreds of times its size.
    /// </summary>
    public const int MaxNamedCodeFailures = 20;

    public static ValidationResult Validate(ReportTemplate template, ReportValues values) =>
        Validate(template, ReportInput.From(values));

    public static ValidationResult Validate(ReportTemplate template, ReportInput input)
    {
        var indicators = template.Indicators;
        var values = new decimal?[indicators.Count];
        Span<bool> seen = indicators.Count <= StackLimit ? stackalloc bool[indicators.Count] : new bool[indicators.Count];
        List<RuleOutcome>? failures = null;
        var unknown = 0;
        var repeated = 0;

        if (!input.IsObject)
        {
            Add(ref failures, ValueFailure(ValueRules.ValuesObject, [], "values 应为 JSON 对象（指标代码 → 数值）"));
        }

        foreach (var entry in input.EntryArray)
        {
            if (!template.TryGetPosition(entry.Code, out var position))
            {
                if (++unknown <= MaxNamedCodeFailures)
                    Add(ref failures, ValueFailure(ValueRules.UnknownCode, [entry.Code], $"未知指标代码“{entry.Code}”：模板 {template.Code} 中没有该指标"));
                continue;
            }

            var indicator = indicators[position];
            if (seen[position])
            {
                values[position] = null;
                if (++repeated <= MaxNamedCodeFailures)
                    Add(ref failures, ValueFailure(ValueRules.DuplicateCode, [entry.Code], $"{indicator} 重复填报"));
                continue;
            }

            seen[position] = true;
            if (entry.Kind == RawValueKind.Number)
            {
                if ((entry.Raw is null ? CheckNumber(indicator, entry.Number) : CheckWritten(indicator, entry)) is { } failure)
                {
                    Add(ref failures, failure);
                }
                else
                {
                    values[position] = entry.Number;
                }
            }
            else if (entry.Kind != RawValueKind.Missing)
            {
                var kind = entry.Kind == RawValueKind.Text ? "文本" : "非数值";
                Add(ref failures, ValueFailure(ValueRules.ValueType, [entry.Code], $"{indicator} 的值 {Shorten(entry.Raw)} 是{kind}，应为数字"));
            }
        }

        if (unknown > MaxNamedCodeFailures)
            Add(ref failures, ValueFailure(ValueRules.UnknownCode, [],
                $"另有 {unknown - MaxNamedCodeFailures} 个未知指标代码未逐一列出（共 {unknown} 个）：模板 {template.Code} 中没有这些指标"));
        if (repeated > MaxNamedCodeFailures)
            Add(ref failures, ValueFailure(ValueRules.DuplicateCode, [],
                $"另有 {repeated - MaxNamedCodeFailures} 处重复填报未逐一列出（共 {repeated} 处）"));

        return new ValidationResult(template, EvaluateRules(template.CompiledRules, values), values, failures);
    }

    private static RuleStatus[] EvaluateRules(CompiledRule[] rules, decimal?[] values)
    {
        var statuses = new RuleStatus[rules.Length];
        for (var index = 0; index < rules.Length; index++)
        {
            var rule = rules[index];
            if (!TrySum(rule.Left, values, out var left) || !TrySum(rule.Right, values, out var right))
            {
                statuses[index] = RuleStatus.NotEvaluable;
                continue;
            }

            var holds = rule.Kind switch
            {
                RuleKind.Sum => left == right,
                RuleKind.LessOrEqual => left <= right,
                _ => left >= right,
            };
            statuses[index] = holds ? RuleStatus.Passed : RuleStatus.Failed;
        }

        return statuses;
    }

    private static bool TrySum(int[] positions, decimal?[] values, out decimal sum)
    {
        sum = 0m;
        foreach (var position in positions)
        {
            if (values[position] is not { } value)
            {
                return false;
            }

            sum += value;
        }

        return true;
    }

    private static RuleOutcome? CheckNumber(Indicator indicator, decimal number)
    {
        if (number > ValueRules.MaxMagnitude || number < -ValueRules.MaxMagnitude)
        {
            return ValueFailure(ValueRules.OutOfRange, [indicator.Code], $"{indicator}={RuleMessage.Format(number)} 超出可接受的范围（绝对值不超过 {RuleMessage.Format(ValueRules.MaxMagnitude)}）");
        }

        // Scale is the count of digits after the point as written: most values skip the rounding checks.
        if (number.Scale > indicator.Scale && indicator.ValueType == IndicatorValueType.Integer && number != decimal.Truncate(number))
        {
            return ValueFailure(ValueRules.FractionalCount, [indicator.Code], $"{indicator}={RuleMessage.Format(number)} 应为整数（单位：{indicator.Unit}）");
        }

        if (number.Scale > indicator.Scale && indicator.ValueType == IndicatorValueType.Decimal && number != decimal.Round(number, indicator.Scale))
        {
            return ValueFailure(ValueRules.DecimalPlaces, [indicator.Code], $"{indicator}={RuleMessage.Format(number)} 最多保留 {indicator.Scale} 位小数（单位：{indicator.Unit}）");
        }

        if (number < 0m && !indicator.AllowNegative)
        {
            return ValueFailure(ValueRules.Negative, [indicator.Code], $"{indicator}={RuleMessage.Format(number)} 不能为负数");
        }

        return null;
    }

    /// <summary>
    /// A number decimal could hold only rounded (<see cref="ExactDecimal"/>): more digits than any figure of
    /// these tables has, so too fine for its indicator, whatever the rounding would have made of it.
    /// </summary>
    private static RuleOutcome CheckWritten(Indicator indicator, RawValue entry)
    {
        if (entry.Number > ValueRules.MaxMagnitude || entry.Number < -ValueRules.MaxMagnitude)
        {
            return ValueFailure(ValueRules.OutOfRange, [indicator.Code], $"{indicator}={Shorten(entry.Raw)} 超出可接受的范围（绝对值不超过 {RuleMessage.Format(ValueRules.MaxMagnitude)}）");
        }

        return indicator.ValueType == IndicatorValueType.Integer
            ? ValueFailure(ValueRules.FractionalCount, [indicator.Code], $"{indicator}={Shorten(entry.Raw)} 应为整数（单位：{indicator.Unit}），不会被四舍五入")
            : ValueFailure(ValueRules.DecimalPlaces, [indicator.Code], $"{indicator}={Shorten(entry.Raw)} 最多保留 {indicator.Scale} 位小数（单位：{indicator.Unit}），不会被四舍五入");
    }

    private static RuleOutcome ValueFailure(string ruleId, string[] codes, string message) =>
        new(ruleId, RuleKind.Value, RuleSeverity.Error, RuleStatus.Failed, codes, message);

    private static void Add(ref List<RuleOutcome>? failures, RuleOutcome failure) => (failures ??= []).Add(failure);

    private static string Shorten(string? raw) => raw is null ? "null" : raw.Length <= 40 ? $"“{raw}”" : $"“{raw[..40]}…”";
}
