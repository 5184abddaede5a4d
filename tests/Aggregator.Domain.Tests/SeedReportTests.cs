using Aggregator.Domain.Tests.Support;
using Aggregator.Domain.Validation;

namespace Aggregator.Domain.Tests;

public sealed class SeedReportTests
{
    [Fact]
    public void Should_list_every_row_of_the_seed_table_in_its_order_with_its_label_and_unit()
    {
        var layout = TestCatalog.Bj2017.Layout;

        Assert.Equal(78, SeedReport.Rows.Count);
        Assert.Equal(SeedReport.Rows.Select(row => row.Label), layout.Select(row => row.Label));
        Assert.Equal(SeedReport.Rows.Select(row => row.Numbering), layout.Select(row => row.Numbering ?? string.Empty));
        foreach (var (row, layoutRow) in SeedReport.Rows.Zip(layout))
        {
            var unit = TestCatalog.Bj2017.FindIndicator(layoutRow.Code)?.Unit ?? string.Empty;
            Assert.Equal((layoutRow.Code, row.Unit), (layoutRow.Code, unit));
        }
    }

    [Fact]
    public void Should_accept_the_seed_report_without_errors_or_warnings()
    {
        var result = ReportValidator.Validate(TestCatalog.Bj2017, SeedReport.Input);

        Assert.False(result.HasErrors);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Equal(RuleStatus.Passed, result.StatusOf("sum:3.1"));
        Assert.Equal(RuleStatus.Passed, result.StatusOf("sum:3.3"));
        Assert.Equal(RuleStatus.Passed, result.StatusOf("gte:1.3"));
    }

    [Fact]
    public void Should_keep_the_seed_fees_as_missing_not_zero()
    {
        var result = ReportValidator.Validate(TestCatalog.Bj2017, SeedReport.Input);

        Assert.True(SeedReport.Values.ContainsKey("7"));
        Assert.Null(SeedReport.Values["7"]);
        Assert.Null(result.ToReportValues()["7"]);
        Assert.All(
            result.Outcomes.Where(outcome => outcome.IndicatorCodes.Contains("7")),
            outcome => Assert.Equal(RuleStatus.NotEvaluable, outcome.Status));
        Assert.Equal(50000m, result.ToReportValues()["8.4"]);
    }
}
