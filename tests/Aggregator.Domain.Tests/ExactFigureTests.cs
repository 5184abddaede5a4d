using System.Text.Json;
using Aggregator.Domain.Rules;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Tests.Support;
using Aggregator.Domain.Validation;
using Aggregator.Domain.Values;

namespace Aggregator.Domain.Tests;

/// <summary>A figure is stored as written or refused: never rounded to something the unit did not report.</summary>
public sealed class ExactFigureTests
{
    [Theory]
    [InlineData("975")]
    [InlineData("975.00")]
    [InlineData("9.75e2")]
    [InlineData("97500E-2")]
    [InlineData("-0.5")]
    [InlineData("0")]
    [InlineData("-0.000")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("1.10000000000000000000000000000000000")]
    public void Should_read_a_number_decimal_holds_exactly_as_exact(string text)
    {
        var number = decimal.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(ExactDecimal.Holds(text, number), text);
    }

    [Theory]
    [InlineData("975.0000000000000000000000000001")]
    [InlineData("975.00000000000000000000000000000000001")]
    [InlineData("0.00000000000000000000000000000001")]
    [InlineData("1e-40")]
    [InlineData("1234567890123456789012345678.99")]
    public void Should_notice_a_number_decimal_can_only_hold_rounded(string text)
    {
        var number = decimal.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);

        Assert.False(ExactDecimal.Holds(text, number), text);
    }

    [Fact]
    public void Should_refuse_a_count_with_a_fraction_too_fine_for_decimal_instead_of_rounding_it()
    {
        var result = Validate("""{"1.1": 975.0000000000000000000000000001}""");

        var error = Assert.Single(result.Errors);
        Assert.Equal(ValueRules.FractionalCount, error.RuleId);
        Assert.Equal(["1.1"], error.IndicatorCodes);
        Assert.Contains("975.0000000000000000000000000001", error.Message);
    }

    [Theory]
    [InlineData("12.34", true)]
    [InlineData("12.340", true)]
    [InlineData("12.345", false)]
    [InlineData("12.3400000000000000000000000000001", false)]
    public void Should_allow_an_amount_in_yuan_at_most_two_decimals(string written, bool allowed)
    {
        var result = Validate($$"""{"7": {{written}}}""");

        Assert.Equal(!allowed, result.HasErrors);
        if (!allowed) Assert.Equal(ValueRules.DecimalPlaces, Assert.Single(result.Errors).RuleId);
    }

    [Theory]
    [InlineData("1.2345", true)]
    [InlineData("1.23456", false)]
    [InlineData("1.23450000000000000000000000001", false)]
    public void Should_allow_an_amount_in_ten_thousand_yuan_at_most_four_decimals(string written, bool allowed)
    {
        var template = TestCatalog.Cn2019;
        var input = ReportInput.FromJson(JsonDocument.Parse($$"""{"2.9.1:amount": {{written}}}""").RootElement);

        var result = ReportValidator.Validate(template, input);

        Assert.Equal("万元", template.FindIndicator("2.9.1:amount")!.Unit);
        Assert.Equal(!allowed, result.HasErrors);
        if (!allowed) Assert.Equal(["2.9.1:amount"], Assert.Single(result.Errors).IndicatorCodes);
    }

    [Fact]
    public void Should_declare_counts_as_integers_and_amounts_with_the_decimals_of_their_unit_in_every_template()
    {
        var decimalsOfMoney = new Dictionary<string, int> { ["元"] = 2, ["万元"] = 4 };

        foreach (var indicator in TestCatalog.Instance.All.SelectMany(template => template.Indicators))
        {
            if (decimalsOfMoney.TryGetValue(indicator.Unit, out var decimals))
                Assert.True(indicator.ValueType == IndicatorValueType.Decimal && indicator.Scale == decimals, $"{indicator} in {indicator.Unit}: scale {indicator.Scale}");
            else
                Assert.True(indicator.ValueType == IndicatorValueType.Integer, $"{indicator} counts {indicator.Unit} but is not an integer");
        }
    }

    [Theory]
    [InlineData("""{}""", false)]
    [InlineData("""{"1.1": null, "7": null}""", false)]
    [InlineData("""{"1.1": null, "7": 0}""", true)]
    public void Should_tell_a_report_of_empty_cells_from_one_with_figures(string values, bool hasFigures)
    {
        Assert.Equal(hasFigures, ReportInput.FromJson(JsonDocument.Parse(values).RootElement).HasFigures);
    }

    private static ValidationResult Validate(string values) =>
        ReportValidator.Validate(TestCatalog.Bj2017, ReportInput.FromJson(JsonDocument.Parse(values).RootElement));
}
