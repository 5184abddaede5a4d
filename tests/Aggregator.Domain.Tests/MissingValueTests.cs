using Aggregator.Domain.Tests.Support;
using Aggregator.Domain.Validation;
using Aggregator.Domain.Values;

namespace Aggregator.Domain.Tests;

public sealed class MissingValueTests
{
    [Fact]
    public void Should_not_evaluate_a_sum_whose_part_is_left_empty()
    {
        var result = ReportValidator.Validate(TestCatalog.Bj2017, SeedReport.Values.With("3.1.1", null));
        var outcome = result.Outcomes.Single(outcome => outcome.RuleId == "sum:3.1");

        Assert.Equal(RuleStatus.NotEvaluable, outcome.Status);
        Assert.Equal("无法校验：当面申请数(3.1.1) 未填报或不是有效数值", outcome.Message);
        Assert.False(result.HasErrors);
    }

    [Fact]
    public void Should_not_read_an_absent_part_as_zero_even_when_zero_would_add_up()
    {
        // 3.1 = 3 = 0 + 0 + 2 + 1: dropping 3.1.1 (which is 0) must not make the rule pass.
        var values = ReportValues.From(SeedReport.Values.Where(pair => pair.Key != "3.1.1"));

        var result = ReportValidator.Validate(TestCatalog.Bj2017, values);

        Assert.Equal(RuleStatus.NotEvaluable, result.StatusOf("sum:3.1"));
        Assert.Contains(result.NotEvaluable, outcome => outcome.RuleId == "sum:3.1");
    }

    [Fact]
    public void Should_not_evaluate_rules_over_a_value_that_failed_its_own_check()
    {
        var result = ReportValidator.Validate(TestCatalog.Bj2017, SeedReport.Values.With("3.1.3", 2.5m));

        Assert.Equal(RuleStatus.NotEvaluable, result.StatusOf("sum:3.1"));
        Assert.Equal("fractional-count", Assert.Single(result.Errors).RuleId);
    }

    [Fact]
    public void Should_accept_an_empty_report_with_every_rule_not_evaluable()
    {
        var result = ReportValidator.Validate(TestCatalog.Cn2021, ReportValues.Empty);

        Assert.False(result.HasErrors);
        Assert.All(result.Outcomes, outcome => Assert.Equal(RuleStatus.NotEvaluable, outcome.Status));
    }
}
