using Aggregator.Domain.Quality;
using Aggregator.Domain.Tests.Support;

namespace Aggregator.Domain.Tests.Quality;

public sealed class QualityFlagTests
{
    private static readonly QualityThresholds Defaults = new();

    private static UnitFigures Unit(string code, params (string Code, decimal? Value)[] values) =>
        new(code, "bj-gip-2017", values.ToDictionary(pair => pair.Code, pair => pair.Value, StringComparer.Ordinal));

    /// <summary>Units u01, u02, … with these values of 3.1 (null: left empty).</summary>
    private static List<UnitFigures> Applications(params decimal?[] values) =>
        values.Select((value, i) => Unit($"u{i + 1:D2}", ("3.1", value))).ToList();

    private static IReadOnlyList<QualityFlag> Outliers(IReadOnlyCollection<UnitFigures> units, QualityThresholds? thresholds = null) =>
        OutlierCheck.Find(TestCatalog.Bj2017, units, thresholds ?? Defaults).ToList();

    private static IReadOnlyList<QualityFlag> Swings(UnitFigures current, UnitFigures? previous) =>
        SwingCheck.Find(TestCatalog.Bj2017, current, previous, Defaults).ToList();

    [Fact]
    public void Should_not_call_0_to_2_a_swing()
    {
        Assert.Empty(Swings(Unit("u", ("3.1", 2)), Unit("u", ("3.1", 0))));
        Assert.False(SwingCheck.IsSwing(2, 0, Defaults));
    }

    [Fact]
    public void Should_call_10_to_100_a_swing_and_say_both_numbers()
    {
        var flag = Assert.Single(Swings(Unit("u", ("3.1", 100)), Unit("u", ("3.1", 10))));

        Assert.Equal(("u", "3.1", 100m, FlagKind.Swing, 10m), (flag.OrgUnit, flag.Indicator, flag.Value, flag.Kind, flag.Previous));
        Assert.Contains("100", flag.Why);
        Assert.Contains("10 倍", flag.Why);
        Assert.Equal("收到申请数(3.1)：本年 100，上年 10，为上年的 10 倍。", flag.Why);
    }

    [Theory]
    [InlineData(90, 30, true)] // a third, 60 apart
    [InlineData(90, 31, false)] // not quite a third
    [InlineData(30, 90, true)] // three times, 60 apart
    [InlineData(0, 25, true)] // from nothing to 25
    [InlineData(5, 16, false)] // more than three times, but only 11 apart
    [InlineData(1000, 1100, false)] // 100 apart, but only 10% more
    public void Should_need_both_the_factor_and_the_floor_for_a_swing(int previous, int value, bool swing)
    {
        Assert.Equal(swing, SwingCheck.IsSwing(value, previous, Defaults));
    }

    [Fact]
    public void Should_not_compare_a_missing_value_with_last_year()
    {
        Assert.Empty(Swings(Unit("u", ("3.1", 100)), Unit("u", ("3.1", null))));
        Assert.Empty(Swings(Unit("u", ("3.1", null)), Unit("u", ("3.1", 10))));
        Assert.Empty(Swings(Unit("u", ("3.1", 100)), null));
    }

    [Fact]
    public void Should_not_compare_codes_across_a_template_change()
    {
        var lastYear = new UnitFigures("u", "cn-gip-2019", new Dictionary<string, decimal?> { ["3.1"] = 10 });

        Assert.Empty(Swings(Unit("u", ("3.1", 100)), lastYear));
    }

    [Fact]
    public void Should_flag_a_unit_with_ten_times_what_similar_peers_report()
    {
        var units = Applications(30, 28, 33, 30, 35, 27, 31, 300);

        var flag = Assert.Single(Outliers(units));

        Assert.Equal(("u08", "3.1", 300m, FlagKind.Outlier), (flag.OrgUnit, flag.Indicator, flag.Value, flag.Kind));
        Assert.Equal(30.5m, flag.Median);
        Assert.Equal(7, flag.Peers);
        Assert.Contains("30.5", flag.Why);
    }

    [Fact]
    public void Should_flag_a_unit_far_below_its_peers_too()
    {
        var flag = Assert.Single(Outliers(Applications(300, 280, 310, 290, 305, 295, 2)));

        Assert.Equal(("u07", 2m), (flag.OrgUnit, flag.Value));
    }

    [Fact]
    public void Should_not_flag_a_1_among_zeros()
    {
        Assert.Empty(Outliers(Applications(0, 0, 0, 0, 0, 0, 0, 1)));
        Assert.Empty(Outliers(Applications(0, 0, 0, 0, 0, 0, 0, 6)));
    }

    [Fact]
    public void Should_flag_a_hundred_among_zeros()
    {
        var flag = Assert.Single(Outliers(Applications(0, 0, 0, 0, 0, 0, 1, 100)));

        Assert.Equal(("u08", 0m), (flag.OrgUnit, flag.Median));
    }

    [Fact]
    public void Should_not_flag_anything_in_a_skewed_but_spread_out_group()
    {
        // Typical application counts: most units few, one busy one. A mean ± 3σ rule would call 0 "odd" here
        // or nothing at all; the log-scale MAD sees one spread-out group.
        Assert.Empty(Outliers(Applications(0, 1, 2, 3, 5, 8, 13, 40)));
    }

    [Fact]
    public void Should_not_look_for_outliers_with_too_few_peers()
    {
        Assert.Empty(Outliers(Applications(30, 28, 33, 30, 300))); // 4 peers each
        Assert.Single(Outliers(Applications(30, 28, 33, 30, 300), new QualityThresholds { OutlierMinPeers = 4 }));
    }

    [Fact]
    public void Should_ignore_missing_values_as_peers_and_as_outliers()
    {
        // Five units gave a value; the three that left it empty are not zeros and not peers.
        Assert.Empty(Outliers(Applications(30, 28, null, 33, null, 30, null, 300)));

        var flag = Assert.Single(Outliers(Applications(30, 28, null, 33, 29, 31, 30, 300)));
        Assert.Equal(("u08", 6), (flag.OrgUnit, flag.Peers));
    }

    [Fact]
    public void Should_compare_only_reports_of_the_same_template()
    {
        var units = Applications(30, 28, 33, 30, 300);
        units.Add(new UnitFigures("u99", "cn-gip-2019", new Dictionary<string, decimal?> { ["3.1"] = 29 }));

        Assert.Empty(Outliers(units)); // 5 bj-gip-2017 reports: 4 peers each
    }

    [Fact]
    public void Should_list_each_stored_warning_against_the_first_indicator_its_rule_names()
    {
        var report = Unit("u", ("1.1", 975), ("1.3.1", 0), ("1.3.2", 534)) with
        {
            Warnings = [new StoredWarning("gte:1.3", ["1.3.1", "1.3.2", "1.1"], "1.3.1+…+1.3.5=534 不应小于 1.1=975")],
        };

        var flag = Assert.Single(QualityCheck.Warnings(report));

        Assert.Equal(("u", "1.3.1", 0m, FlagKind.Warning, "gte:1.3"), (flag.OrgUnit, flag.Indicator, flag.Value, flag.Kind, flag.RuleId));
        Assert.Equal("1.3.1+…+1.3.5=534 不应小于 1.1=975", flag.Why);
    }

    [Fact]
    public void Should_order_flags_by_unit_then_by_the_template_order_of_the_indicator()
    {
        var reports = Applications(30, 28, 33, 30, 35, 27, 31, 300);
        reports[0] = reports[0] with
        {
            Values = new Dictionary<string, decimal?> { ["3.1"] = 30, ["1.1"] = 500 },
            Warnings = [new StoredWarning("values-removed", ["9.3"], "left empty")],
        };
        var lastYear = new Dictionary<string, UnitFigures> { ["u01"] = Unit("u01", ("3.1", 30), ("1.1", 50)) };

        var flags = QualityCheck.Flags(TestCatalog.Instance, reports, lastYear, Defaults);

        Assert.Equal(
            [("u01", "1.1", FlagKind.Swing), ("u01", "9.3", FlagKind.Warning), ("u08", "3.1", FlagKind.Outlier)],
            flags.Select(flag => (flag.OrgUnit, flag.Indicator, flag.Kind)));
    }

    [Fact]
    public void Should_name_the_settings_that_cannot_be_used()
    {
        Assert.Empty(Defaults.Problems());

        var problems = new QualityThresholds { SwingFactor = 1, OutlierMinSpread = 0, OutlierMinPeers = 0 }.Problems();

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("SwingFactor", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("OutlierMinSpread", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("OutlierMinPeers", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_say_a_swing_in_chinese_with_both_years_and_the_factor()
    {
        var flag = Assert.Single(Swings(Unit("u", ("3.1", 41950)), Unit("u", ("3.1", 1850))));
        var drop = Assert.Single(Swings(Unit("u", ("3.1", 40)), Unit("u", ("3.1", 400))));

        Assert.Equal("收到申请数(3.1)：本年 41950，上年 1850，为上年的 22.7 倍。", flag.Why);
        Assert.Equal("收到申请数(3.1)：本年 40，上年 400，仅为上年的 10%。", drop.Why);
    }

    [Fact]
    public void Should_put_the_warning_of_the_channels_on_their_sum_under_its_heading_with_the_seed_figures()
    {
        // The seed with 1.3.2 (the website, 534 items) emptied to 0: the channels give 441 against 975 published.
        var values = Support.SeedReport.Values.With("1.3.2", 0m);
        var stored = Assert.Single(Validation.ReportValidator.Validate(TestCatalog.Bj2017, values).Warnings);
        var report = new UnitFigures("110102003", "bj-gip-2017", values.ToDictionary(pair => pair.Key, pair => pair.Value))
        {
            // As an earlier release stored it: the message is told anew from the figures.
            Warnings = [new StoredWarning(stored.RuleId, stored.IndicatorCodes, "1.3.1+…+1.3.5=441 不应小于 1.1=975")],
        };

        var flag = Assert.Single(QualityCheck.Warnings(report, TestCatalog.Bj2017));

        Assert.Equal(("1.3", 441m, "gte:1.3"), (flag.Indicator, flag.Value, flag.RuleId));
        Assert.Equal("通过不同渠道和方式公开政府信息的情况（1.3.1–1.3.5 合计）为 441，小于 主动公开政府信息数（不同渠道和方式公开相同信息计1条）(1.1)的 975", flag.Why);
    }

    [Fact]
    public void Should_keep_the_warning_of_a_single_indicator_rule_on_that_indicator()
    {
        var values = Support.SeedReport.Values.With("1.1.1", 976m);
        var report = new UnitFigures("u", "bj-gip-2017", values.ToDictionary(pair => pair.Key, pair => pair.Value))
        {
            Warnings = [new StoredWarning("lte:1.1.1", ["1.1.1", "1.1"], "stored")],
        };

        var flag = Assert.Single(QualityCheck.Warnings(report, TestCatalog.Bj2017));

        Assert.Equal(("1.1.1", 976m), (flag.Indicator, flag.Value));
        Assert.StartsWith("主动公开规范性文件数(1.1.1)为 976，大于 ", flag.Why);
    }

    [Fact]
    public void Should_summarise_many_removed_values_in_chinese_by_count_and_first_codes()
    {
        var previous = Support.SeedReport.Values.ToDictionary(pair => pair.Key, pair => pair.Value);
        var next = previous.Where(pair => !pair.Key.StartsWith("1.", StringComparison.Ordinal)).ToDictionary(pair => pair.Key, pair => pair.Value);
        var removed = previous.Count(pair => pair.Key.StartsWith("1.", StringComparison.Ordinal) && pair.Value is not null);

        var outcome = Validation.RemovedValues.Find(TestCatalog.Bj2017, 1, previous, next)!;

        Assert.Equal(removed, outcome.IndicatorCodes.Count);
        Assert.StartsWith($"上一版本（第 1 版）有、本版本缺少的 {removed} 项指标：1.1、1.1.1、", outcome.Message);
        Assert.Contains("…等；空值不计为零", outcome.Message);
        Assert.DoesNotMatch("[A-Za-z]{4,}( [A-Za-z]{2,}){2,}", outcome.Message);
    }
}
