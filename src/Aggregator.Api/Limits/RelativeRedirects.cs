namespace Aggregator.Api.Limits;

/// <summary>
/// Every redirect the service issues names a path on this service, never a host: ASP.NET's static files build
/// <c>/dashboard</c> → <c>http://{Host}/dashboard/</c> from the request's own Host header, so a forged Host (or a
/// proxy that passes one on) would send a browser, or a cache storing the 301, elsewhere. The service does not
/// know its public address and never redirects to another site, so an absolute http(s) Location is cut to its
/// path, query and fragment as the answer starts, whoever set it.
/// </summary>
public static class RelativeRedirects
{
    public static Task AddAsync(HttpContext context, Func<Task> next)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            if (Relative(headers.Location.ToString()) is { } relative) headers.Location = relative;
            return Task.CompletedTask;
        });
        return next();
    }

    /// <summary>The path, query and fragment of an absolute http(s) URL; null for anything else (already relative).</summary>
    public static string? Relative(string location)
    {
        if (location.Length == 0 || !Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return null;
        var path = uri.GetComponents(UriComponents.PathAndQuery | UriComponents.Fragment, UriFormat.UriEscaped);
        // "//host/…" and "/\host/…" are read by browsers as another host: keep a single leading slash.
        return "/" + path.TrimStart('/', '\\');
    }
}
