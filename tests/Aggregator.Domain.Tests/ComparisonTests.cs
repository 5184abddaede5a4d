using Aggregator.Domain.Rollups;

namespace Aggregator.Domain.Tests;

public sealed class ComparisonTests
{
    [Fact]
    public void Should_show_a_fall_from_5_to_4_as_minus_20_percent()
    {
        Assert.Equal(new Comparison(4m, 5m, -1m, -20.0m), Comparison.Compute(4m, 5m));
    }

    [Fact]
    public void Should_round_the_percent_change_to_one_decimal()
    {
        Assert.Equal(33.3m, Comparison.Compute(4m, 3m).PctChange);
        Assert.Equal(-66.7m, Comparison.Compute(1m, 3m).PctChange);
    }

    [Fact]
    public void Should_have_no_percent_change_from_a_zero_base()
    {
        Assert.Equal(new Comparison(7m, 0m, 7m, null), Comparison.Compute(7m, 0m));
    }

    [Fact]
    public void Should_not_compare_with_a_missing_base_or_a_missing_value()
    {
        Assert.Equal(new Comparison(7m, null, null, null), Comparison.Compute(7m, null));
        Assert.Equal(new Comparison(null, 7m, null, null), Comparison.Compute(null, 7m));
    }
}
