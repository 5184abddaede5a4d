using System.Security.Cryptography;
using System.Text;

namespace Aggregator.Api.Auth;

/// <summary>
/// API keys carry 256 random bits. Only their SHA-256 is stored: with that much entropy a slow password
/// hash adds nothing, and a fast one keeps authentication to one indexed lookup.
/// </summary>
public static class ApiKeySecret
{
    private const string Prefix = "agg_";

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static bool LooksLikeKey(string value) => value.Length is > 10 and < 200;

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
