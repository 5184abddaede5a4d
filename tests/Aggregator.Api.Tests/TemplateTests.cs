using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class TemplateTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_list_the_three_official_layouts_with_their_years()
    {
        var list = await api.Admin().GetFromJsonAsync<JsonElement>("/api/v1/templates");

        var items = list.GetProperty("items").EnumerateArray().ToDictionary(t => t.GetProperty("code").GetString()!);
        Assert.Equal(["bj-gip-2017", "cn-gip-2019", "cn-gip-2021"], items.Keys);
        Assert.Equal(2008, items["bj-gip-2017"].GetProperty("years").GetProperty("from").GetInt32());
        Assert.Equal(2018, items["bj-gip-2017"].GetProperty("years").GetProperty("to").GetInt32());
        Assert.Equal(JsonValueKind.Null, items["cn-gip-2021"].GetProperty("years").GetProperty("to").ValueKind);
        Assert.True(items["bj-gip-2017"].GetProperty("indicators").GetInt32() > 60);
    }

    [Fact]
    public async Task Should_describe_an_indicator_with_its_label_unit_parent_and_type()
    {
        var template = await api.Admin().GetFromJsonAsync<JsonElement>("/api/v1/templates/bj-gip-2017");

        var indicators = template.GetProperty("indicators").EnumerateArray().ToDictionary(i => i.GetProperty("code").GetString()!);
        var received = indicators["3.1.1"];
        Assert.Equal("当面申请数", received.GetProperty("label").GetString());
        Assert.Equal("件", received.GetProperty("unit").GetString());
        Assert.Equal("3.1", received.GetProperty("parent").GetString());
        Assert.Equal("integer", received.GetProperty("valueType").GetString());
        Assert.Equal("sum", received.GetProperty("aggregate").GetString());
        Assert.Equal("decimal", indicators["8.4"].GetProperty("valueType").GetString());
        Assert.Equal(2, indicators["8.4"].GetProperty("scale").GetInt32());
        Assert.Contains(template.GetProperty("rules").EnumerateArray(), r => r.GetProperty("kind").GetString() == "sum");
    }

    [Fact]
    public async Task Should_describe_the_national_tables_as_rows_and_columns()
    {
        var template = await api.Admin().GetFromJsonAsync<JsonElement>("/api/v1/templates/cn-gip-2021");

        var tables = template.GetProperty("tables").EnumerateArray().ToList();
        var applications = tables.Single(t => t.GetProperty("rows").EnumerateArray().Any(r => r.GetProperty("code").GetString() == "3.3.7"));
        var columns = applications.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("code").GetString()).ToList();
        Assert.Equal(["np", "biz", "res", "npo", "law", "oth", "total"], columns);
        Assert.Contains(template.GetProperty("indicators").EnumerateArray(), i => i.GetProperty("code").GetString() == "3.3.6.2:total");
    }

    [Fact]
    public async Task Should_report_every_rule_that_broken_arithmetic_fails_without_storing_anything()
    {
        var values = new Dictionary<string, object?> { ["3.1"] = 4, ["3.1.1"] = 0, ["3.1.2"] = 0, ["3.1.3"] = 2, ["3.1.4"] = 1 };

        var response = await api.Admin().PostAsJsonAsync("/api/v1/templates/bj-gip-2017/validate", new { values });

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(result.GetProperty("valid").GetBoolean());
        var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
        Assert.Equal("sum:3.1", error.GetProperty("ruleId").GetString());
        Assert.Equal(["3.1", "3.1.1", "3.1.2", "3.1.3", "3.1.4"], error.GetProperty("indicators").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("收到申请数(3.1)为 4，不等于 3.1.1–3.1.4 合计的 3", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Should_call_a_rule_over_a_missing_value_not_evaluable_rather_than_passed()
    {
        var values = new Dictionary<string, object?> { ["3.1"] = 3, ["3.1.1"] = 0, ["3.1.2"] = null, ["3.1.3"] = 2, ["3.1.4"] = 1 };

        var result = await (await api.Admin().PostAsJsonAsync("/api/v1/templates/bj-gip-2017/validate?all=true", new { values }))
            .Content.ReadFromJsonAsync<JsonElement>();

        var outcome = result.GetProperty("outcomes").EnumerateArray().Single(o => o.GetProperty("ruleId").GetString() == "sum:3.1");
        Assert.Equal("not-evaluable", outcome.GetProperty("status").GetString());
        Assert.True(result.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Should_name_text_and_unknown_codes_per_indicator()
    {
        var values = new Dictionary<string, object?> { ["3.1"] = "three", ["9.9.9"] = 1 };

        var result = await (await api.Admin().PostAsJsonAsync("/api/v1/templates/bj-gip-2017/validate", new { values }))
            .Content.ReadFromJsonAsync<JsonElement>();

        var errors = result.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("ruleId").GetString(), e.GetProperty("indicators")[0].GetString())).ToList();
        Assert.Contains(("value-type", "3.1"), errors);
        Assert.Contains(("unknown-code", "9.9.9"), errors);
    }

    [Fact]
    public async Task Should_let_any_key_of_any_role_read_templates_and_no_key_none()
    {
        var district = await _data.DistrictAsync();

        foreach (var key in district.Keys.Values)
            await (await api.Client(key).GetAsync("/api/v1/templates/cn-gip-2019")).ShouldHaveStatus(HttpStatusCode.OK);
        await (await api.Client().GetAsync("/api/v1/templates")).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_answer_an_unknown_template_with_404()
    {
        await (await api.Admin().GetAsync("/api/v1/templates/nope")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await api.Admin().PostAsJsonAsync("/api/v1/templates/nope/validate", new { values = new { } }))
            .ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_refuse_values_that_are_not_an_object()
    {
        var response = await api.Admin().PostAsJsonAsync("/api/v1/templates/bj-gip-2017/validate", new { values = new[] { 1, 2 } });

        await response.ShouldBeProblem(HttpStatusCode.BadRequest);
    }
}
