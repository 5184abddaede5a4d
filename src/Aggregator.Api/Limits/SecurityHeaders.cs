namespace Aggregator.Api.Limits;

/// <summary>
/// Headers on every answer, set as the answer starts so that error answers (whose headers the exception
/// handler clears) carry them too. Nothing is sniffed; API answers are never stored by a cache unless the
/// endpoint chose a policy of its own (the rollup's revalidated ETag); pages get a Content-Security-Policy.
/// </summary>
public static class SecurityHeaders
{
    public const string NoStore = "no-store";

    /// <summary>JSON answers load nothing and may not be framed: a body that is rendered anyway runs nothing.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Swagger UI: its own scripts and styles from this origin; its index.html sets up the UI in an inline
    /// style block and loads swagger-ui's stylesheet, and swagger-ui renders inline styles, hence 'unsafe-inline'
    /// for styles only. It fetches the document from this origin; its logo is a data: URI.
    /// </summary>
    public const string SwaggerUiPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>A dashboard's static files: scripts, styles, images and fetches from this origin only.</summary>
    public const string DashboardPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public const string SwaggerUiPath = "/swagger";
    public const string DashboardPath = "/dashboard";
    private const string ApiPath = "/api";

    public static Task AddAsync(HttpContext context, Func<Task> next)
    {
        context.Response.OnStarting(() =>
        {
            var path = context.Request.Path;
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (path.StartsWithSegments(ApiPath))
            {
                // A key's answers are the key's: a shared cache must never hand them to someone else, and the
                // secret of a new key must not linger in any cache at all.
                if (string.IsNullOrEmpty(headers.CacheControl)) headers.CacheControl = NoStore;
                headers.ContentSecurityPolicy = ApiPolicy;
            }
            else if (Auth.PublicRead.Covers(path))
            {
                // Published figures: anyone may read them, from any page, and a shared cache may keep them (the
                // endpoint's own Cache-Control); a problem answer is not kept.
                if (string.IsNullOrEmpty(headers.CacheControl)) headers.CacheControl = NoStore;
                headers.ContentSecurityPolicy = ApiPolicy;
                headers.AccessControlAllowOrigin = "*";
                headers.AccessControlExposeHeaders = "ETag, Retry-After";
            }
            else if (path.StartsWithSegments(SwaggerUiPath) && !path.Value!.EndsWith(".json", StringComparison.Ordinal))
            {
                headers.ContentSecurityPolicy = SwaggerUiPolicy;
            }
            else if (path.StartsWithSegments(DashboardPath) || path.StartsWithSegments(Public.PublicPage.Path))
            {
                headers.ContentSecurityPolicy = DashboardPolicy;
            }
            else if (path == Landing.LandingPage.Path)
            {
                headers.ContentSecurityPolicy = Landing.LandingPage.Policy;
            }
            return Task.CompletedTask;
        });
        return next();
    }
}
