namespace Aggregator.Jobs.Upstream;

/// <summary>What the allow-list says of a link's url.</summary>
public enum UpstreamUrlVerdict
{
    Allowed,
    /// <summary>No entry of <see cref="UpstreamOptions.AllowedUrls"/> has its host, port and path.</summary>
    NotAllowed,
    /// <summary>An http url of a host the allow-list names with https only.</summary>
    HttpsRequired,
}

/// <summary>
/// The operator's allow-list of upstream deployments (<see cref="UpstreamOptions.AllowedUrls"/>): the one gate between a
/// url a tenant-admin types and a request this server makes, so a link cannot probe the internal network.
/// </summary>
public static class UpstreamUrls
{
    /// <summary>An entry as a base URL: absolute http(s) without user info, query or fragment; a bare host name is https.</summary>
    public static Uri? ParseEntry(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry)) return null;
        var text = entry.Trim();
        if (!text.Contains("://", StringComparison.Ordinal)) text = "https://" + text;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.UserInfo.Length == 0
               && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.IdnHost.Length > 0
            ? uri : null;
    }

    public static bool AreValid(IEnumerable<string> entries) => entries.All(entry => ParseEntry(entry) is not null);

    /// <summary>Null (this deployment) is always allowed; any other url only as an entry of the list allows it.</summary>
    public static UpstreamUrlVerdict Check(string? url, IEnumerable<string> entries)
    {
        if (url is null) return UpstreamUrlVerdict.Allowed;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
            return UpstreamUrlVerdict.NotAllowed;
        var sameHost = entries.Select(ParseEntry).OfType<Uri>()
            .Where(entry => string.Equals(entry.IdnHost, uri.IdnHost, StringComparison.OrdinalIgnoreCase)).ToList();
        if (sameHost.Any(entry => entry.Scheme == uri.Scheme && entry.Port == uri.Port && Under(uri, entry)))
            return UpstreamUrlVerdict.Allowed;
        return uri.Scheme == "http" && sameHost.Any(entry => entry.Scheme == "https")
            ? UpstreamUrlVerdict.HttpsRequired : UpstreamUrlVerdict.NotAllowed;
    }

    private static bool Under(Uri url, Uri entry)
    {
        static string Dir(string path) => path.EndsWith('/') ? path : path + "/";
        // An escaped dot or slash would be a segment upstream may resolve above the entry's path after this check.
        if (url.AbsolutePath.Contains("%2e", StringComparison.OrdinalIgnoreCase) || url.AbsolutePath.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || url.AbsolutePath.Contains("%5c", StringComparison.OrdinalIgnoreCase))
            return false;
        return Dir(url.AbsolutePath).StartsWith(Dir(entry.AbsolutePath), StringComparison.Ordinal);
    }
}
