using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Limits;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Aggregator.Api.Landing;

/// <summary>
/// <c>GET /</c>: what someone who opens the service's address finds — a short page in Chinese (with English) that
/// links to the dashboard, the API documentation and the README; JSON for a client that asks for it. It is not part
/// of the API (no key, not in the OpenAPI document). Its only style is one inline block, allowed by its hash in
/// the page's Content-Security-Policy; it runs no script and loads nothing.
/// </summary>
public static class LandingPage
{
    public const string Path = "/";

    private const string Style = """
        body{font-family:system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1f2933;line-height:1.6}
        h1{font-size:1.6rem;margin-bottom:.2rem}h1 small{display:block;font-size:.95rem;font-weight:normal;color:#52606d}
        ul{padding-left:1.2rem}li{margin:.5rem 0}a{color:#1a56db}.en{color:#52606d;font-size:.9rem}code{background:#f0f2f5;padding:0 .25rem}
        """;

    /// <summary>The page's policy: nothing but its own inline style, named by hash.</summary>
    public static readonly string Policy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static WebApplicationBuilder AddLandingPage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LandingPageOptions>().BindConfiguration(LandingPageOptions.Section)
            .Validate(o => o.ReadmeUrlIsValid(), "Aggregator:ReadmeUrl must be an absolute http or https URL.")
            .ValidateOnStart();
        return builder;
    }

    public static WebApplication MapLandingPage(this WebApplication app)
    {
        app.MapGet(Path, Answer).ExcludeFromDescription();
        return app;
    }

    private static IResult Answer(HttpContext context, IOptions<LandingPageOptions> options)
    {
        var readme = options.Value.ReadmeUrl;
        context.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
        context.Response.Headers.CacheControl = "no-cache";
        if (PrefersJson(context.Request))
        {
            return Results.Json(new
            {
                name = "Aggregator",
                description = "政府信息公开工作年度报告统计汇总服务 (government information disclosure statistics, collected and consolidated)",
                links = new
                {
                    dashboard = "/dashboard/",
                    swagger = "/swagger",
                    openApi = OpenApi.OpenApiRegistration.DocumentPath,
                    readme = readme ?? "README.md",
                    health = "/health/ready",
                },
            }, JsonSerializerOptions.Web);
        }
        return Results.Content(Html(readme), "text/html; charset=utf-8");
    }

    /// <summary>JSON when Accept ranks application/json (or a +json type) above text/html; a browser gets the page.</summary>
    public static bool PrefersJson(HttpRequest request) =>
        FigureAnswers.RanksFirst(request,
            type => type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase),
            type => type.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    private static string Html(string? readmeUrl)
    {
        var readme = readmeUrl is null
            ? """代码仓库根目录的 <code>README.md</code>：部署、试用流程与全部接口"""
            : $"""<a href="{HtmlEncoder.Default.Encode(readmeUrl)}">使用说明 README</a>：部署、试用流程与全部接口""";
        return $$"""
            <!doctype html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Aggregator · 政府信息公开统计汇总</title>
            <style>{{Style}}</style>
            </head>
            <body>
            <h1>Aggregator<small>政府信息公开工作年度报告统计汇总服务</small></h1>
            <p>各街道、乡镇和部门按年报送“政府信息公开情况统计表”，本服务校验、留存每一版，并汇总全区数据。</p>
            <ul>
            <li><a href="/dashboard/">区级看板</a>：报送情况、汇总表、历年走势</li>
            <li><a href="/swagger">接口文档（Swagger UI）</a>：OpenAPI 文档见 <a href="{{OpenApi.OpenApiRegistration.DocumentPath}}">{{OpenApi.OpenApiRegistration.DocumentPath}}</a></li>
            <li>{{readme}}</li>
            </ul>
            <p>调用 <code>/api/v1</code> 需在请求头 <code>X-Api-Key</code> 中提供密钥。</p>
            </body>
            </html>
            """;
    }
}
