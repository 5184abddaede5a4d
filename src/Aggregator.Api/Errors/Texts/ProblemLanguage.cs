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
    public static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    /// <summary>The culture whose resources answer <paramref name="culture"/>: English for any English, else Chinese.</summary>
    public static CultureInfo Supported(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName == "en" ? English : Chinese;

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
            options.SupportedUICultures = [Chinese, CultureInfo.GetCultureInfo("zh"), English];
            options.FallBackToParentUICultures = true;
            options.RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()];
        });
}
