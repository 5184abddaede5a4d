using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>
/// Strong ETags. Every tag the API writes is 32 lowercase hex digits (a truncated SHA-256) between quotes, at most
/// after a one-letter kind: a digest of what the answer is made of, never an id or a counter that could be read out
/// of it (<see cref="Digest"/>).
/// </summary>
public static class ETags
{
    /// <summary>
    /// A report version's tag: a digest of its number and content hash, so two versions with equal content still
    /// differ and a restored database never reuses an old tag for other content.
    /// </summary>
    public static string Of(int version, byte[] contentHash) =>
        $"\"{Digest(string.Create(CultureInfo.InvariantCulture, $"version\n{version}\n{Convert.ToHexStringLower(contentHash)}"))}\"";

    /// <summary>The first 128 bits of the SHA-256 of <paramref name="text"/>, as 32 lowercase hex digits.</summary>
    public static string Digest(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    /// <summary>Whether an If-Match / If-None-Match header names <paramref name="etag"/> (strong comparison; * matches any).</summary>
    public static bool ListContains(string header, string etag) =>
        header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(candidate => candidate == "*" || candidate == etag);
}
