using Aggregator.Domain.Rollups;
using Aggregator.Domain.Tests.Support;
using Aggregator.Domain.Values;

namespace Aggregator.Domain.Tests;

public sealed class MappingTests
{
    [Fact]
    public void Should_map_the_2017_seed_onto_the_comparable_2019_cells()
    {
        var mapping = TestCatalog.Instance.FindMapping("bj-gip-2017", "cn-gip-2019")!;

        var mapped = ComparableValues.FromBase(mapping, SeedReport.Values);

        Assert.Equal(3m, mapped["3.1:total"]);
        Assert.Equal(1m, mapped["3.3.4.1:total"]); // 不属于本行政机关公开 1 + 申请信息不存在 0
        Assert.Equal(0m, mapped["3.3.1:total"]);
        Assert.Equal(1m, mapped["3.3.2:total"]);
        Assert.Equal(0m, mapped["4.1:total"]);
        Assert.Equal(0m, mapped["4.2:total+4.3:total"]);
    }

    [Fact]
    public void Should_leave_unmapped_indicators_out_instead_of_making_them_zero()
    {
        var mapping = TestCatalog.Instance.FindMapping("bj-gip-2017", "cn-gip-2019")!;

        var mapped = ComparableValues.FromBase(mapping, SeedReport.Values);

        Assert.Equal(6, mapped.Count);
        Assert.False(mapped.ContainsKey("1.1"));
        Assert.False(mapped.ContainsKey("3.1:np"));
        Assert.False(mapped.ContainsKey("2.1.1:made"));
    }

    [Fact]
    public void Should_keep_a_target_missing_when_all_its_sources_are_missing()
    {
        var mapping = TestCatalog.Instance.FindMapping("bj-gip-2017", "cn-gip-2019")!;

        var mapped = ComparableValues.FromBase(mapping, ReportValues.From(("3.3.5", null), ("3.1", 4m)));

        Assert.True(mapped.ContainsKey("3.3.4.1:total"));
        Assert.Null(mapped["3.3.4.1:total"]);
        Assert.Equal(4m, mapped["3.1:total"]);
    }

    [Fact]
    public void Should_sum_later_cells_that_are_only_comparable_together()
    {
        var mapping = TestCatalog.Instance.FindMapping("bj-gip-2017", "cn-gip-2019")!;

        var later = ComparableValues.FromLater(mapping, ReportValues.From(("4.2:total", 2m), ("4.3:total", 3m)));

        Assert.Equal(5m, later["4.2:total+4.3:total"]);
    }

    [Fact]
    public void Should_compose_2017_to_2021_through_2019()
    {
        var catalog = TestCatalog.Instance;

        var mapping = catalog.FindMapping("bj-gip-2017", "cn-gip-2021")!;

        Assert.Equal(["bj-gip-2017__cn-gip-2019", "cn-gip-2019__cn-gip-2021"], catalog.FindMappingChain("bj-gip-2017", "cn-gip-2021").Select(step => $"{step.From}__{step.To}"));
        Assert.Equal(("bj-gip-2017", "cn-gip-2021"), (mapping.From, mapping.To));
        Assert.Equal(
            ["3.1:total", "3.3.1:total", "3.3.2:total", "3.3.4.1:total", "4.1:total", "4.2:total+4.3:total"],
            mapping.Entries.Select(entry => entry.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["3.3.5", "3.3.6"], mapping.FindByTarget("3.3.4.1:total")!.Sources);
        Assert.Equal(["5"], mapping.FindByTarget("4.3:total")!.Sources);
    }

    [Fact]
    public void Should_not_find_a_mapping_backwards_in_time()
    {
        Assert.Null(TestCatalog.Instance.FindMapping("cn-gip-2021", "bj-gip-2017"));
    }

    [Fact]
    public void Should_map_every_unchanged_cell_from_2019_to_2021_but_not_other_processing()
    {
        var mapping = TestCatalog.Instance.FindMapping("cn-gip-2019", "cn-gip-2021")!;

        Assert.Equal(["3.3.5.4:law"], mapping.FindByTarget("3.3.5.4:law")!.Sources);
        Assert.Equal(["4.3:pending"], mapping.FindByTarget("4.3:pending")!.Sources);
        Assert.Null(mapping.FindByTarget("3.3.6.1:np"));
        Assert.Null(mapping.FindByTarget("2.8.1:amount"));
        Assert.Equal(["2.1.1:made"], mapping.FindByTarget("2.1.1:issued")!.Sources);
        Assert.Equal((22 * 7) + 15 + 4, mapping.Entries.Count);
    }
}
