using System.Text.Json;
using Aggregator.Domain.Rules;
using Aggregator.Domain.Tests.Support;
using Aggregator.Domain.Validation;
using Aggregator.Domain.Values;

namespace Aggregator.Domain.Tests;

/// <summary>One failing example per kind of rule, with the exact outcome a reporter would see.</summary>
public sealed class RuleFailureTests
{
    [Fact]
    public void Should_reject_a_report_whose_applications_do_not_add_up()
    {
        var failure = Assert.Single(ValidateSeedWith(("3.1", 4m)).Errors);

        Assert.Equal(("sum:3.1", RuleKind.Sum, RuleSeverity.Error), (failure.RuleId, failure.Kind, failure.Severity));
        Assert.Equal(["3.1", "3.1.1", "3.1.2", "3.1.3", "3.1.4"], failure.IndicatorCodes);
        Assert.Equal("收到申请数(3.1)为 4，不等于 3.1.1–3.1.4 合计的 3", failure.Message);
    }

    [Fact]
    public void Should_reject_a_report_whose_part_exceeds_its_total()
    {
        var failure = Assert.Single(ValidateSeedWith(("1.1.1", 976m)).Errors);

        Assert.Equal(("lte:1.1.1", RuleKind.LessOrEqual, RuleSeverity.Error), (failure.RuleId, failure.Kind, failure.Severity));
        Assert.Equal(["1.1.1", "1.1"], failure.IndicatorCodes);
        Assert.Equal("主动公开规范性文件数(1.1.1)为 976，大于 主动公开政府信息数（不同渠道和方式公开相同信息计1条）(1.1)的 975", failure.Message);
    }

    [Fact]
    public void Should_warn_but_accept_a_report_whose_channels_publish_less_than_the_total()
    {
        var result = ValidateSeedWith(("1.3.2", 0m));
        var warning = Assert.Single(result.Warnings);

        Assert.False(result.HasErrors);
        Assert.Equal(("gte:1.3", RuleKind.GreaterOrEqual, RuleSeverity.Warning), (warning.RuleId, warning.Kind, warning.Severity));
        Assert.Equal(["1.3.1", "1.3.2", "1.3.3", "1.3.4", "1.3.5", "1.1"], warning.IndicatorCodes);
        Assert.Equal("通过不同渠道和方式公开政府信息的情况（1.3.1–1.3.5 合计）为 441，小于 主动公开政府信息数（不同渠道和方式公开相同信息计1条）(1.1)的 975", warning.Message);
    }

    [Fact]
    public void Should_reject_an_unknown_indicator_code()
    {
        var input = ReportInput.From(SeedReport.Input.Entries.Append(RawValue.Of("9.9", 1m)));

        var failure = Assert.Single(ReportValidator.Validate(TestCatalog.Bj2017, input).Errors);

        Assert.Equal((ValueRules.UnknownCode, RuleKind.Value, RuleSeverity.Error), (failure.RuleId, failure.Kind, failure.Severity));
        Assert.Equal(["9.9"], failure.IndicatorCodes);
        Assert.Equal("未知指标代码“9.9”：模板 bj-gip-2017 中没有该指标", failure.Message);
    }

    [Fact]
    public void Should_name_the_first_20_unknown_or_repeated_codes_and_count_the_rest()
    {
        var unknown = Enumerable.Range(1, 30).Select(i => RawValue.Of($"99.{i}", 1m));
        var repeated = Enumerable.Range(1, 25).Select(_ => RawValue.Of("1.1", 975m));
        var input = ReportInput.From(SeedReport.Input.Entries.Concat(unknown).Concat(repeated));

        var errors = ReportValidator.Validate(TestCatalog.Bj2017, input).Errors;

        var unknownFailures = errors.Where(e => e.RuleId == ValueRules.UnknownCode).ToList();
        Assert.Equal(21, unknownFailures.Count);
        Assert.Equal(20, unknownFailures.SelectMany(f => f.IndicatorCodes).Distinct().Count());
        Assert.Equal("另有 10 个未知指标代码未逐一列出（共 30 个）：模板 bj-gip-2017 中没有这些指标",
            Assert.Single(unknownFailures, f => f.IndicatorCodes.Count == 0).Message);
        var repeatedFailures = errors.Where(e => e.RuleId == ValueRules.DuplicateCode).ToList();
        Assert.Equal(21, repeatedFailures.Count);
        Assert.Equal("另有 5 处重复填报未逐一列出（共 25 处）", Assert.Single(repeatedFailures, f => f.IndicatorCodes.Count == 0).Message);
    }

    [Fact]
    public void Should_reject_a_text_value()
    {
        var result = ValidateJson("""{"6": "无", "4": 0}""");
        var failure = Assert.Single(result.Errors);

        Assert.Equal((ValueRules.ValueType, "6"), (failure.RuleId, failure.IndicatorCodes.Single()));
        Assert.Equal("举报投诉数量(6) 的值 “无” 是文本，应为数字", failure.Message);
    }

    [Fact]
    public void Should_reject_a_negative_count()
    {
        var failure = Assert.Single(ValidateSeedWith(("6", -1m)).Errors);

        Assert.Equal((ValueRules.Negative, "6"), (failure.RuleId, failure.IndicatorCodes.Single()));
        Assert.Equal("举报投诉数量(6)=-1 不能为负数", failure.Message);
    }

    [Fact]
    public void Should_accept_a_negative_change_in_the_number_of_items()
    {
        var result = ReportValidator.Validate(TestCatalog.Cn2019, ReportValues.From(("2.5.1:change", -3m), ("2.5.1:prev_items", 10m)));

        Assert.False(result.HasErrors);
    }

    [Fact]
    public void Should_reject_a_fractional_count()
    {
        var failure = Assert.Single(ValidateSeedWith(("6", 1.5m)).Errors);

        Assert.Equal((ValueRules.FractionalCount, "6"), (failure.RuleId, failure.IndicatorCodes.Single()));
        Assert.Equal("举报投诉数量(6)=1.5 应为整数（单位：件）", failure.Message);
    }

    [Fact]
    public void Should_accept_a_whole_number_written_with_a_decimal_point()
    {
        Assert.False(ValidateSeedWith(("6", 2.0m)).HasErrors);
    }

    [Fact]
    public void Should_reject_money_with_more_decimals_than_its_scale()
    {
        var failure = Assert.Single(ValidateSeedWith(("7", 12.345m)).Errors);

        Assert.Equal((ValueRules.DecimalPlaces, "7"), (failure.RuleId, failure.IndicatorCodes.Single()));
        Assert.Equal("依申请公开信息收取的费用(7)=12.345 最多保留 2 位小数（单位：元）", failure.Message);
        Assert.False(ValidateSeedWith(("7", 12.34m)).HasErrors);
    }

    [Fact]
    public void Should_reject_an_indicator_sent_twice()
    {
        var failure = Assert.Single(ValidateJson("""{"6": 1, "6": 2}""").Errors);

        Assert.Equal((ValueRules.DuplicateCode, "6"), (failure.RuleId, failure.IndicatorCodes.Single()));
        Assert.Equal("举报投诉数量(6) 重复填报", failure.Message);
    }

    [Fact]
    public void Should_report_every_bad_value_of_a_submission_at_once()
    {
        var result = ValidateJson("""{"6": true, "9.3": [1], "8.1": 1e400, "8.2": {"a": 1}, "x": 1, "3.1": "3"}""");

        Assert.Equal(
            [(ValueRules.ValueType, "6"), (ValueRules.ValueType, "9.3"), (ValueRules.ValueType, "8.1"), (ValueRules.ValueType, "8.2"), (ValueRules.UnknownCode, "x"), (ValueRules.ValueType, "3.1")],
            result.Errors.Select(error => (error.RuleId, error.IndicatorCodes.Single())));
        Assert.Equal("政府信息公开工作专门机构数(8.1) 的值 “1e400” 是非数值，应为数字", result.Errors.ElementAt(2).Message);
    }

    [Fact]
    public void Should_reject_values_that_are_not_an_object()
    {
        using var document = JsonDocument.Parse("[1, 2]");
        var result = ReportValidator.Validate(TestCatalog.Bj2017, ReportInput.FromJson(document.RootElement));

        Assert.Equal(ValueRules.ValuesObject, Assert.Single(result.Errors).RuleId);
    }

    private static ValidationResult ValidateSeedWith(params (string Code, decimal? Value)[] changes) =>
        ReportValidator.Validate(TestCatalog.Bj2017, changes.Aggregate(SeedReport.Values, (values, change) => values.With(change.Code, change.Value)));

    private static ValidationResult ValidateJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ReportValidator.Validate(TestCatalog.Bj2017, ReportInput.FromJson(document.RootElement));
    }
}
