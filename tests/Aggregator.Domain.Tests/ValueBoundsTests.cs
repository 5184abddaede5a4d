using Aggregator.Domain.Rules;
using Aggregator.Domain.Validation;
using Aggregator.Domain.Values;
using Aggregator.Domain.Tests.Support;

namespace Aggregator.Domain.Tests;

public sealed class ValueBoundsTests
{
    [Fact]
    public void Should_reject_a_figure_too_large_for_any_real_report_instead_of_overflowing_a_sum()
    {
        var template = TestCatalog.Instance.Find("bj-gip-2017")!;
        var input = ReportInput.From(ReportValues.From([
            KeyValuePair.Create("3.1", (decimal?)50_000_000_000_000_000_000_000_000m),
            KeyValuePair.Create("3.1.1", (decimal?)50_000_000_000_000_000_000_000_000m),
            KeyValuePair.Create("3.1.2", (decimal?)50_000_000_000_000_000_000_000_000m),
            KeyValuePair.Create("3.1.3", (decimal?)0m),
            KeyValuePair.Create("3.1.4", (decimal?)0m),
        ]));

        var result = ReportValidator.Validate(template, input);

        Assert.True(result.HasErrors);
        Assert.Equal(["3.1", "3.1.1", "3.1.2"], result.Errors.Where(e => e.RuleId == ValueRules.OutOfRange).Select(e => e.IndicatorCodes[0]));
        Assert.Equal(RuleStatus.NotEvaluable, result.StatusOf("sum:3.1"));
    }
}
