namespace Aggregator.Api.Landing;

/// <summary>Aggregator:ReadmeUrl — where the project's README can be read (e.g. the repository's page), linked from <c>GET /</c>.</summary>
public sealed class LandingPageOptions
{
    public const string Section = "Aggregator";

    /// <summary>
    /// An absolute http(s) URL. Unset, the page names README.md at the repository's root instead of linking to it:
    /// the service does not serve the file, and does not know where its source is published.
    /// </summary>
    public string? ReadmeUrl { get; set; }

    public bool ReadmeUrlIsValid() =>
        ReadmeUrl is null
        || (Uri.TryCreate(ReadmeUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && string.IsNullOrEmpty(uri.UserInfo) && !ReadmeUrl.Any(char.IsControl));
}
