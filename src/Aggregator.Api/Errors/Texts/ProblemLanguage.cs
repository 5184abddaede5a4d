using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Aggregator.Api.Errors.Texts;

/// <summary>
/// The languages problem answers are written in, chosen by <c>Accept-Language</c>: Chinese by default (this API's
/// readers are Chinese officers; a request without the header, or asking for a language it does not have, reads
/// Chinese) and English on request. Only the UI culture changes: numbers and dates are written invariantly whatever
/// the reader's language.
/// </summary>
public static class ProblemLanguage
{
    // zh-Hans, the name FluentValidation files its Chinese messages under (without ICU, zh-CN has no parent to reach it).
    public static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-Hans");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    /// <summary>The culture whose resources answer <paramref name="culture"/>: English for any English, else Chinese.</summary>
    public static CultureInfo Supported(CultureInfo culture) => IsEnglish(culture.Name) ? English : Chinese;

    // By name: globalization runs invariant (no ICU), where a culture's language data is the invariant one's.
    private static bool IsEnglish(string tag) =>
        tag.Equals("en", StringComparison.OrdinalIgnoreCase) || tag.StartsWith("en-", StringComparison.OrdinalIgnoreCase);

    private static bool IsChinese(string tag) =>
        tag.Equals("zh", StringComparison.OrdinalIgnoreCase) || tag.StartsWith("zh-", StringComparison.OrdinalIgnoreCase);

    /// <summary>The language of the request's problem answers (the middleware's choice; Chinese before it ran).</summary>
    public static CultureInfo Of(HttpContext context) =>
        Supported(context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture ?? Chinese);

    /// <summary>The value of Content-Language for <paramref name="culture"/>.</summary>
    public static string Tag(CultureInfo culture) => Supported(culture) == English ? "en" : "zh-CN";

    /// <summary>Chooses the language from Accept-Language alone (no query string, no cookie); numbers stay invariant.</summary>
    public static IApplicationBuilder UseProblemLanguage(this IApplicationBuilder app) =>
        app.UseRequestLocalization(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(CultureInfo.InvariantCulture, Chinese);
            options.SupportedCultures = [CultureInfo.InvariantCulture];
            options.SupportedUICultures = [Chinese, English];
            options.RequestCultureProviders = [new CustomRequestCultureProvider(context => Task.FromResult(FromAcceptLanguage(context)))];
        });

    /// <summary>
    /// The first language of Accept-Language, by quality, that is English (en, en-US, en-GB…) or Chinese (zh, zh-CN,
    /// zh-Hans…); none (Chinese by default) when it names neither or is absent. Any English is English and any Chinese
    /// Chinese: without ICU a culture has no parent to fall back to, so en-US would not find en.
    /// </summary>
    private static ProviderCultureResult? FromAcceptLanguage(HttpContext context)
    {
        // TryParseList: a malformed header (the client's text) chooses nothing rather than failing the request.
        if (!Microsoft.Net.Http.Headers.StringWithQualityHeaderValue.TryParseList(context.Request.Headers.AcceptLanguage, out var languages)
            || languages.Count == 0)
            return null;
        foreach (var language in languages.Where(language => language.Quality is not 0).OrderByDescending(language => language.Quality ?? 1))
        {
            var tag = language.Value.Value ?? "";
            if (IsEnglish(tag)) return new ProviderCultureResult(CultureInfo.InvariantCulture.Name, English.Name);
            if (IsChinese(tag)) return new ProviderCultureResult(CultureInfo.InvariantCulture.Name, Chinese.Name);
        }
        return null;
    }
}
