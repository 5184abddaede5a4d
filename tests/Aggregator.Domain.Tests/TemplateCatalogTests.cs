using System.Text.Json.Nodes;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Tests.Support;

namespace Aggregator.Domain.Tests;

public sealed class TemplateCatalogTests
{
    [Fact]
    public void Should_load_every_template_and_mapping_in_db_templates()
    {
        var catalog = TestCatalog.Instance;

        Assert.Equal(["bj-gip-2017", "cn-gip-2019", "cn-gip-2021"], catalog.All.Select(template => template.Code));
        Assert.Equal(2, catalog.Mappings.Count);
        Assert.All(catalog.All, template => Assert.NotEmpty(template.Rules));
    }

    [Theory]
    [InlineData(2008, "bj-gip-2017")]
    [InlineData(2018, "bj-gip-2017")]
    [InlineData(2019, "cn-gip-2019")]
    [InlineData(2020, "cn-gip-2019")]
    [InlineData(2021, "cn-gip-2021")]
    [InlineData(2035, "cn-gip-2021")]
    public void Should_pick_the_template_in_force_for_a_year(int year, string expected)
    {
        Assert.Equal(expected, TestCatalog.Instance.ForYear(year)?.Code);
    }

    [Fact]
    public void Should_have_no_template_before_2008()
    {
        Assert.Null(TestCatalog.Instance.ForYear(2007));
        Assert.Null(TestCatalog.Instance.Find("no-such-template"));
    }

    [Fact]
    public void Should_keep_headings_as_groups_in_table_order()
    {
        var template = TestCatalog.Bj2017;

        Assert.Equal(["1", "1.3", "2", "2.2", "3", "8", "9"], template.Groups.Select(group => group.Code));
        Assert.Equal(71, template.Indicators.Count);
        Assert.DoesNotContain(template.Indicators, indicator => template.Groups.Any(group => group.Code == indicator.Code));
        Assert.Equal(("1.3.1", "1.3"), (template.Indicators.Single(i => i.Code == "1.3.1").Code, template.Indicators.Single(i => i.Code == "1.3.1").Parent));
    }

    [Fact]
    public void Should_declare_units_types_and_scales_of_the_2017_table()
    {
        var template = TestCatalog.Bj2017;

        Assert.Equal(("元", IndicatorValueType.Decimal, 2), Describe(template, "7"));
        Assert.Equal(("元", IndicatorValueType.Decimal, 2), Describe(template, "8.4"));
        Assert.Equal(("人次", IndicatorValueType.Integer, 0), Describe(template, "9.3"));
        Assert.Equal(("篇", IndicatorValueType.Integer, 0), Describe(template, "2.2.3"));
        Assert.Equal("主动公开政府信息数（不同渠道和方式公开相同信息计1条）", template.FindIndicator("1.1")!.Label);
    }

    [Fact]
    public void Should_build_national_matrices_with_row_column_cells()
    {
        var template = TestCatalog.Cn2021;
        var cell = template.FindIndicator("3.3.6.2:law")!;

        Assert.Equal(("3.3.6.2", "law", "3", "件"), (cell.Row, cell.Column, cell.Table, cell.Unit));
        Assert.Equal(("万元", IndicatorValueType.Decimal, 4), Describe(template, "2.8.1:amount"));
        Assert.True(TestCatalog.Cn2019.FindIndicator("2.5.1:change")!.AllowNegative);
        Assert.False(TestCatalog.Cn2019.FindIndicator("2.5.1:decisions")!.AllowNegative);
        Assert.Null(TestCatalog.Cn2021.FindIndicator("3.3.6:np"));
        Assert.NotNull(TestCatalog.Cn2019.FindIndicator("3.3.6:np"));
    }

    [Fact]
    public void Should_expand_rule_families_into_rules_with_their_own_ids()
    {
        var rule = TestCatalog.Cn2021.FindRule("3-row-total:3.3.5.2")!;

        Assert.Equal(["3.3.5.2:total"], rule.Left);
        Assert.Equal(["3.3.5.2:np", "3.3.5.2:biz", "3.3.5.2:res", "3.3.5.2:npo", "3.3.5.2:law", "3.3.5.2:oth"], rule.Right);
        Assert.Equal(["3.1:oth", "3.2:oth"], TestCatalog.Cn2021.FindRule("3-balance:oth")!.Left);
        Assert.Equal(21, TestCatalog.Cn2021.FindRule("3-outcomes-total:np")!.Right.Count);
        Assert.Equal(19, TestCatalog.Cn2019.FindRule("3-outcomes-total:np")!.Right.Count);
    }

    [Fact]
    public void Should_reject_a_template_with_a_duplicate_code()
    {
        var fault = LoadBroken("bj-gip-2017.json", json => json["rows"]!.AsArray()[2]!["code"] = "1.1");

        Assert.Equal("bj-gip-2017.json", fault.File);
        Assert.Contains("duplicate code '1.1'", fault.Message);
    }

    [Fact]
    public void Should_reject_a_template_whose_row_names_an_unknown_parent()
    {
        var fault = LoadBroken("bj-gip-2017.json", json => json["rows"]!.AsArray()[2]!["parent"] = "1.9");

        Assert.StartsWith("bj-gip-2017.json: ", fault.Message);
        Assert.Contains("row '1.1.1' names unknown parent '1.9'", fault.Message);
    }

    [Fact]
    public void Should_reject_a_rule_that_names_an_unknown_indicator()
    {
        var fault = LoadBroken("bj-gip-2017.json", json => json["rules"]!.AsArray()[0]!["right"]!.AsArray().Add("3.1.9"));

        Assert.Equal("bj-gip-2017.json: rule 'sum:3.1' names unknown indicator '3.1.9'", fault.Message);
    }

    [Fact]
    public void Should_reject_a_rule_family_that_names_an_unknown_cell()
    {
        var fault = LoadBroken("cn-gip-2021.json", json => json["ruleFamilies"]!.AsArray()[0]!["right"]!.AsArray().Add("{row}:nobody"));

        Assert.Equal("cn-gip-2021.json: rule '3-row-total:3.1' names unknown indicator '3.1:nobody'", fault.Message);
    }

    [Fact]
    public void Should_reject_a_file_that_is_not_valid_json()
    {
        var directory = CopyTemplates();
        File.WriteAllText(Path.Combine(directory, "cn-gip-2019.json"), "{ \"code\": \"cn-gip-2019\", ");

        var fault = Assert.Throws<TemplateLoadException>(() => TemplateCatalog.LoadFromDirectory(directory));

        Assert.Equal("cn-gip-2019.json", fault.File);
        Assert.StartsWith("cn-gip-2019.json: invalid JSON", fault.Message);
    }

    [Fact]
    public void Should_reject_a_misspelt_field()
    {
        var fault = LoadBroken("bj-gip-2017.json", json => json["rows"]!.AsArray()[1]!["valuetype"] = "integer");

        Assert.Contains("invalid JSON", fault.Message);
        Assert.Contains("valuetype", fault.Message);
    }

    [Fact]
    public void Should_reject_templates_whose_years_overlap()
    {
        var fault = LoadBroken("cn-gip-2019.json", json => json["firstYear"] = 2018);

        Assert.Equal("cn-gip-2019.json: years 2018–2020 overlap bj-gip-2017 (2008–2018)", fault.Message);
    }

    [Fact]
    public void Should_reject_a_mapping_whose_code_is_missing_from_its_template()
    {
        var fault = LoadBroken("bj-gip-2017__cn-gip-2019.json", json => json["entries"]!.AsArray()[0]!["target"] = "3.1:everyone");

        Assert.Equal("bj-gip-2017__cn-gip-2019.json: mapping target '3.1:everyone' is not an indicator of cn-gip-2019", fault.Message);
    }

    private static (string, IndicatorValueType, int) Describe(ReportTemplate template, string code)
    {
        var indicator = template.FindIndicator(code)!;
        return (indicator.Unit, indicator.ValueType, indicator.Scale);
    }

    private static TemplateLoadException LoadBroken(string file, Action<JsonNode> breakIt)
    {
        var directory = CopyTemplates();
        var path = Path.Combine(directory, file);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        breakIt(json);
        File.WriteAllText(path, json.ToJsonString());
        return Assert.Throws<TemplateLoadException>(() => TemplateCatalog.LoadFromDirectory(directory));
    }

    private static string CopyTemplates()
    {
        var directory = Directory.CreateTempSubdirectory("templates-").FullName;
        foreach (var file in Directory.EnumerateFiles(TestCatalog.Directory, "*.json"))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }

        return directory;
    }
}
