using Aggregator.Domain.AnnualReports;

namespace Aggregator.Domain.Tests.AnnualReports;

public sealed class SharesTests
{
    [Fact]
    public void Should_round_three_equal_shares_to_33_33_34_as_the_seed_writes_them()
    {
        Assert.Equal([33m, 33m, 34m], Shares.Of([1m, 1m, 1m], 3m, 0));
        Assert.Equal([67m, 33m], Shares.Of([2m, 1m], 3m, 0));
    }

    [Fact]
    public void Should_make_shares_of_the_whole_add_up_to_100_at_one_decimal()
    {
        var shares = Shares.Of([534m, 170m, 271m], 975m, 1);

        Assert.Equal([54.8m, 17.4m, 27.8m], shares);
        Assert.Equal(100m, shares.Sum());
        Assert.Equal(100m, Shares.Of([1m, 1m, 1m, 1m, 1m, 1m, 1m], 7m, 1).Sum());
    }

    [Fact]
    public void Should_round_each_share_on_its_own_when_the_parts_are_not_the_whole_and_refuse_a_zero_total()
    {
        Assert.Equal([33m], Shares.Of([1m], 3m, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Shares.Of([0m], 0m, 0));
    }
}
