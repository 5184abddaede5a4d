using Microsoft.Net.Http.Headers;

namespace Aggregator.Api.Limits;

/// <summary>
/// With CORS on, an answer depends on the request's Origin (Access-Control-Allow-Origin is there for a configured
/// dashboard, absent for anyone else), so every answer says <c>Vary: Origin</c>, or a shared cache could hand a
/// dashboard the answer stored for another origin, or for a request without one. It is added to what the answer
/// already varies by (a figure read's <c>Accept</c>), once, as the answer starts: after the CORS middleware and
/// the endpoint have set theirs.
/// </summary>
public static class VaryByOrigin
{
    public static Task AddAsync(HttpContext context, Func<Task> next)
    {
        context.Response.OnStarting(() =>
        {
            Append(context.Response.Headers, HeaderNames.Origin);
            return Task.CompletedTask;
        });
        return next();
    }

    /// <summary>Adds <paramref name="name"/> to Vary unless it (or *) is there already; keeps every other value.</summary>
    public static void Append(IHeaderDictionary headers, string name)
    {
        var named = headers.Vary.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (named.Any(value => value == "*" || value.Equals(name, StringComparison.OrdinalIgnoreCase))) return;
        headers.Vary = string.Join(", ", named.Append(name));
    }
}
