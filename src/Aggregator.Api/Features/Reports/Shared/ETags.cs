namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>
/// Strong ETags of report versions: the version number and the start of its content hash, so two versions
/// with equal content still differ and a restored database never reuses an old tag for other content.
/// </summary>
public static class ETags
{
    public static string Of(int version, byte[] contentHash) => $"\"v{version}-{Convert.ToHexStringLower(contentHash)[..16]}\"";

    /// <summary>Whether an If-Match / If-None-Match header names <paramref name="etag"/> (strong comparison; * matches any).</summary>
    public static bool ListContains(string header, string etag) =>
        header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(candidate => candidate == "*" || candidate == etag);
}
