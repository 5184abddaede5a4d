namespace Aggregator.Api.Limits;

/// <summary>Aggregator:Cors — the browser origins (dashboards) that may call the API from their pages.</summary>
public sealed class CorsOriginOptions
{
    public const string Section = "Aggregator:Cors";

    /// <summary>
    /// Origins such as <c>https://dashboard.example.gov.cn</c> (scheme, host and port; no path, no wildcard),
    /// bound as a list: <c>Aggregator__Cors__Origins__0=https://…</c>. None: no CORS headers at all.
    /// </summary>
    public string[] Origins { get; set; } = [];

    /// <summary>The origins that are no origin: not http(s), carrying a path, query or user, or a wildcard.</summary>
    public IEnumerable<string> Malformed() => Origins.Where(origin =>
        !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        || uri.Scheme is not ("https" or "http")
        || origin.Contains('*', StringComparison.Ordinal)
        || !string.IsNullOrEmpty(uri.UserInfo)
        || !uri.GetLeftPart(UriPartial.Authority).Equals(origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
}
