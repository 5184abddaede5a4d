using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Api.Errors.Texts;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>
/// Problem texts follow Accept-Language: Chinese with zh or zh-CN and when the header is absent (the readers are Chinese
/// officers), English with en. The type, the codes and the fields at fault stay what they are in every language.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class ProblemLanguageTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    public static TheoryData<string?, string, string, string> Languages => new()
    {
        { "zh-CN", "未认证", "请在 X-Api-Key 请求头中发送有效的 API 密钥。", "zh-CN" },
        { "zh", "未认证", "请在 X-Api-Key 请求头中发送有效的 API 密钥。", "zh-CN" },
        { null, "未认证", "请在 X-Api-Key 请求头中发送有效的 API 密钥。", "zh-CN" },
        { "fr-FR, de;q=0.8", "未认证", "请在 X-Api-Key 请求头中发送有效的 API 密钥。", "zh-CN" },
        { "en", "Unauthorized", "Send a valid API key in the X-Api-Key header.", "en" },
        { "en-US,en;q=0.9,zh-CN;q=0.8", "Unauthorized", "Send a valid API key in the X-Api-Key header.", "en" },
        { "zh-CN,zh;q=0.9,en;q=0.8", "未认证", "请在 X-Api-Key 请求头中发送有效的 API 密钥。", "zh-CN" },
        { "en;q=0, zh-CN;q=0.5", "未认证", "请在 X-Api-Key 请求头中发送有效的 API 密钥。", "zh-CN" },
        { "zh-CN;q=0.5, en-GB", "Unauthorized", "Send a valid API key in the X-Api-Key header.", "en" },
    };

    [Theory]
    [InlineData("en;q=abc,,;;")]
    [InlineData("=;q=0.5, *** , en=zh")]
    [InlineData("en-US-x-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Should_answer_in_chinese_and_not_fail_when_accept_language_is_malformed(string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tenants/110101");
        request.Headers.TryAddWithoutValidation("Accept-Language", header);

        var response = await api.Client(language: null).SendAsync(request);

        var problem = await response.ShouldBeProblem(HttpStatusCode.Unauthorized);
        Assert.Contains(problem.GetProperty("title").GetString(), new[] { "未认证", "Unauthorized" });
        Assert.Single(response.Content.Headers.ContentLanguage);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task Should_refuse_a_request_without_a_key_in_the_language_it_asks_for(string? language, string title, string detail, string contentLanguage)
    {
        var response = await api.Client(language: language).GetAsync("/api/v1/tenants/110101");

        var problem = await response.ShouldBeProblem(HttpStatusCode.Unauthorized);
        Assert.Equal((title, detail), (problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString()));
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2", problem.GetProperty("type").GetString());
        Assert.Equal([contentLanguage], response.Content.Headers.ContentLanguage);
    }

    [Fact]
    public async Task Should_name_a_missing_tenant_in_chinese_by_default_and_in_english_on_request()
    {
        var (zh, en, none) = (await NotFoundAsync("zh-CN"), await NotFoundAsync("en"), await NotFoundAsync(null));

        Assert.Equal(("未找到", "未找到租户“110101999”。"), zh);
        Assert.Equal(("Not Found", "Tenant '110101999' was not found."), en);
        Assert.Equal(zh, none);

        async Task<(string?, string?)> NotFoundAsync(string? language)
        {
            var response = await api.Client(ApiFixture.AdminKey, language).GetAsync("/api/v1/tenants/110101999");
            var problem = await response.ShouldBeProblem(HttpStatusCode.NotFound);
            return (problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Should_explain_a_refused_field_in_chinese_and_keep_the_field_name_a_program_reads()
    {
        const string body = """{"code":"bad code!","name":"x","kind":"province-ish"}""";
        var zh = await PostAsync("zh-CN");
        var en = await PostAsync("en");

        Assert.Equal("2 个字段无效：code, kind。", zh.GetProperty("detail").GetString());
        Assert.Equal("2 fields are invalid: code, kind.", en.GetProperty("detail").GetString());
        Assert.Equal(Names(en), Names(zh));
        var reasons = zh.GetProperty("errors").EnumerateArray().Select(error => error.GetProperty("reason").GetString()!).ToList();
        Assert.Equal("code 须为 1–64 个字母、数字、“-”、“_”或“.”。", reasons[0]);
        Assert.StartsWith("kind 须为以下之一：", reasons[1]);

        async Task<JsonElement> PostAsync(string language) =>
            await (await api.Client(ApiFixture.AdminKey, language).PostAsync("/api/v1/tenants",
                new StringContent(body, Encoding.UTF8, "application/json"))).ShouldBeProblem(HttpStatusCode.BadRequest);
        static List<string?> Names(JsonElement problem) =>
            problem.GetProperty("errors").EnumerateArray().Select(error => error.GetProperty("name").GetString()).ToList();
    }

    [Fact]
    public async Task Should_refuse_a_role_and_a_rule_breaking_report_in_chinese()
    {
        var district = await _data.DistrictAsync();
        var viewer = api.Client(district.Keys["viewer@a"], language: null);
        var path = $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions";

        var forbidden = await (await viewer.PostAsJsonAsync(path, TestData.ReportFor().ToJson())).ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.Equal("无权操作", forbidden.GetProperty("title").GetString());
        Assert.StartsWith("viewer 角色的密钥无权执行此操作", forbidden.GetProperty("detail").GetString());

        var reporter = api.Client(district.Keys["reporter@a"], language: null);
        var broken = await (await reporter.PostAsJsonAsync(path, TestData.ReportFor().With("1.1", 1).ToJson()))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Matches(@"^报表违反模板 bj-gip-2017 的 \d+ 条规则；未保存任何内容。$", broken.GetProperty("detail").GetString());
        Assert.All(broken.GetProperty("rules").EnumerateArray(), rule => Assert.DoesNotMatch(EnglishSentence(), rule.GetProperty("message").GetString()));
    }

    [Fact]
    public void Should_hold_every_problem_text_in_both_languages_with_the_same_placeholders()
    {
        var methods = typeof(ProblemText).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(method => method.ReturnType == typeof(string) && method.Name is not (nameof(ProblemText.Get) or nameof(ProblemText.Title)))
            .ToList();
        var chinese = ProblemText.Keys(ProblemLanguage.Chinese).Order(StringComparer.Ordinal).ToList();
        var english = ProblemText.Keys(ProblemLanguage.English).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(chinese, english);
        Assert.Equal(chinese, methods.Select(method => method.Name).Order(StringComparer.Ordinal));
        foreach (var key in chinese)
        {
            var (zh, en) = (ProblemText.Get(ProblemLanguage.Chinese, key), ProblemText.Get(ProblemLanguage.English, key));
            Assert.True(Placeholders(zh).SetEquals(Placeholders(en)) || en == "{0}: {1}", $"{key}: {zh} / {en}");
            Assert.DoesNotMatch(EnglishSentence(), zh);
        }

        static HashSet<string> Placeholders(string text) => Placeholder().Matches(text).Select(match => match.Value).ToHashSet();
    }

    /// <summary>A run of English words: what a Chinese reader should never meet in a title or detail (codes and paths aside).</summary>
    [GeneratedRegex("[A-Za-z]{4,}( [A-Za-z]{2,}){2,}")]
    public static partial Regex EnglishSentence();

    [GeneratedRegex(@"\{\d\}")]
    private static partial Regex Placeholder();
}
