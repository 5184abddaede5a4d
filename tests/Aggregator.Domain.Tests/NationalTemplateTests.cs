using Aggregator.Domain.Tests.Support;
using Aggregator.Domain.Validation;

namespace Aggregator.Domain.Tests;

public sealed class NationalTemplateTests
{
    private static readonly int[] Draws = Enumerable.Range(0, 256).Select(index => (index * 37) % 101).ToArray();

    [Fact]
    public void Should_accept_a_2021_report_whose_rows_and_columns_add_up()
    {
        var result = ReportValidator.Validate(TestCatalog.Cn2021, SatisfyingReports.National(TestCatalog.Cn2021, Draws));

        Assert.False(result.HasErrors);
        Assert.All(result.Outcomes, outcome => Assert.Equal(RuleStatus.Passed, outcome.Status));
        Assert.Equal(TestCatalog.Cn2021.Rules.Count, result.Outcomes.Count);
    }

    [Fact]
    public void Should_catch_one_broken_cell_by_its_row_total_and_its_column_total()
    {
        var values = SatisfyingReports.National(TestCatalog.Cn2021, Draws);
        var broken = values.With("3.3.4.1:npo", values["3.3.4.1:npo"] + 1);

        var result = ReportValidator.Validate(TestCatalog.Cn2021, broken);

        Assert.Equal(["3-row-total:3.3.4.1", "3-outcomes-total:npo"], result.Errors.Select(error => error.RuleId));
        Assert.StartsWith("本机关不掌握相关政府信息·总计(3.3.4.1:total)为 ", result.Errors.First().Message);
        Assert.StartsWith("总计·社会公益组织(3.3.7:npo)为 ", result.Errors.Last().Message);
    }

    [Fact]
    public void Should_catch_applications_that_do_not_balance_with_what_was_handled()
    {
        var values = SatisfyingReports.National(TestCatalog.Cn2019, Draws);
        var broken = values.With("3.4:np", values["3.4:np"] + 2).With("3.4:total", values["3.4:total"] + 2);

        var errors = ReportValidator.Validate(TestCatalog.Cn2019, broken).Errors.ToList();
        var failure = errors[0];

        Assert.Equal(["3-balance:np", "3-balance:total"], errors.Select(error => error.RuleId));
        Assert.Equal(["3.1:np", "3.2:np", "3.3.7:np", "3.4:np"], failure.IndicatorCodes);
        Assert.Matches(@"^本年新收政府信息公开申请数量·自然人\(3\.1:np\)\+上年结转政府信息公开申请数量·自然人\(3\.2:np\) 合计为 \d+，不等于 总计·自然人\(3\.3\.7:np\)\+结转下年度继续办理·自然人\(3\.4:np\) 合计的 \d+$", failure.Message);
    }

    [Fact]
    public void Should_check_that_review_and_lawsuit_results_add_up_to_their_total()
    {
        var values = SatisfyingReports.National(TestCatalog.Cn2021, Draws);

        var result = ReportValidator.Validate(TestCatalog.Cn2021, values.With("4.2:pending", values["4.2:pending"] + 1));

        Assert.Equal("4-row-total:4.2", Assert.Single(result.Errors).RuleId);
    }
}
