using Aggregator.Domain.Rollups;
using Aggregator.Domain.Values;
using FsCheck;
using FsCheck.Fluent;

namespace Aggregator.Domain.Tests.Rollups;

public sealed class RollupCalculatorTests
{
    // district(1) ─┬─ street(2) ─┬─ community(4)
    //              │             └─ community(5)
    //              └─ office(3, reports its own figures) ── team(6)
    private static readonly RollupUnit[] Tree =
    [
        new(1, null, "d", false), new(2, 1, "s", false), new(3, 1, "o", true),
        new(4, 2, "c4", false), new(5, 2, "c5", false), new(6, 3, "t6", false),
    ];

    [Fact]
    public void Should_sum_every_report_in_a_subtree_including_the_units_own()
    {
        var reports = new Dictionary<long, ReportValues>
        {
            [3] = ReportValues.From(("3.1", 2m)),
            [4] = ReportValues.From(("3.1", 5m), ("7", null)),
            [6] = ReportValues.From(("3.1", 1m), ("7", 3m)),
        };

        var result = RollupCalculator.Compute(Tree, reports, ["3.1", "7"]);

        Assert.Equal([1L, 2L, 3L], result.Keys.Order());
        Assert.Equal(new RollupCell(8m, 3), result[1].Values["3.1"]);
        Assert.Equal(new RollupCell(3m, 1), result[1].Values["7"]);
        Assert.Equal(new RollupCell(5m, 1), result[2].Values["3.1"]);
        Assert.Equal(new RollupCell(null, 0), result[2].Values["7"]);
        Assert.Equal(new RollupCell(3m, 2), result[3].Values["3.1"]);
    }

    [Fact]
    public void Should_expect_leaves_and_units_that_report_their_own_figures()
    {
        var reports = new Dictionary<long, ReportValues> { [4] = ReportValues.Empty, [6] = ReportValues.Empty };

        var result = RollupCalculator.Compute(Tree, reports, ["3.1"]);

        Assert.Equal(4, result[1].Completeness.Expected);
        Assert.Equal(2, result[1].Completeness.Reported);
        Assert.Equal(["c5", "o"], result[1].Completeness.Missing);
        Assert.Equal(2, result[3].Completeness.Expected);
        Assert.Equal(["o"], result[3].Completeness.Missing);
    }

    [Fact]
    public void Should_leave_out_indicators_that_are_not_summed()
    {
        var reports = new Dictionary<long, ReportValues> { [4] = ReportValues.From(("3.1", 5m), ("ratio", 0.5m)) };

        var result = RollupCalculator.Compute(Tree, reports, ["3.1"]);

        Assert.False(result[1].Values.ContainsKey("ratio"));
    }

    [Fact]
    public void Should_give_the_root_the_sum_of_all_reports_and_count_only_non_null_values()
    {
        var gen =
            from values in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant((decimal?)null)), (3, Gen.Choose(0, 1000).Select(v => (decimal?)v))), 6)
            from reported in Gen.ArrayOf(Gen.Elements(true, false), 6)
            select (values, reported);

        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var reports = Enumerable.Range(0, 6).Where(i => input.reported[i])
                .ToDictionary(i => (long)(i + 1), i => ReportValues.From(("3.1", input.values[i])));
            var root = RollupCalculator.Compute(Tree, reports, ["3.1"])[1];
            var present = reports.Values.Select(r => r["3.1"]).Where(v => v is not null).ToList();
            var cell = root.Values.GetValueOrDefault("3.1");
            Assert.Equal(present.Count, cell.Reporters);
            Assert.Equal(present.Count == 0 ? null : present.Sum(), cell.Value);
            Assert.Equal(root.Completeness.Expected - root.Completeness.Missing.Count, root.Completeness.Reported);
        }).Check(Config.QuickThrowOnFailure);
    }
}
