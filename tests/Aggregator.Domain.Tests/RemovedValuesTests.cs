using Aggregator.Domain.Rules;
using Aggregator.Domain.Tests.Support;
using Aggregator.Domain.Validation;
using Aggregator.Domain.Values;

namespace Aggregator.Domain.Tests;

/// <summary>A version that empties what the one before it reported is stored with a warning naming those figures.</summary>
public sealed class RemovedValuesTests
{
    [Fact]
    public void Should_warn_about_every_value_the_new_version_leaves_empty_in_template_order()
    {
        var previous = SeedReport.Values;
        var next = previous.With("9.3", null).With("1.1", null);
        var withoutCode = ReportValues.From(next.Where(pair => pair.Key != "3.1"));

        var warning = RemovedValues.Find(TestCatalog.Bj2017, 2, previous, withoutCode);

        Assert.NotNull(warning);
        Assert.Equal(RemovedValues.RuleId, warning.RuleId);
        Assert.Equal(RuleSeverity.Warning, warning.Severity);
        Assert.Equal(["1.1", "3.1", "9.3"], warning.IndicatorCodes);
        Assert.Contains("主动公开政府信息数", warning.Message);
        Assert.Contains("第 2 版", warning.Message);
    }

    [Fact]
    public void Should_not_warn_when_only_values_change_or_appear()
    {
        var previous = SeedReport.Values.With("7", null);
        var next = SeedReport.Values.With("9.3", 60).With("7", 12.5m);

        Assert.Null(RemovedValues.Find(TestCatalog.Bj2017, 1, previous, next));
    }

    [Fact]
    public void Should_not_count_a_zero_as_removed()
    {
        Assert.Null(RemovedValues.Find(TestCatalog.Bj2017, 1, SeedReport.Values, SeedReport.Values.With("9.3", 0m)));
    }
}
