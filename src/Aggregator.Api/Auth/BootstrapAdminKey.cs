using Aggregator.Data;

namespace Aggregator.Api.Auth;

/// <summary>
/// The platform admin's key: Aggregator:BootstrapAdminKey, or, on the embedded default without one, a key
/// generated once and kept in the data folder (mode 600). The key itself is never printed: console output
/// ends up in terminals' scrollback, CI logs and log collectors; the start that creates it names the file and
/// the key's first characters, enough to tell keys apart.
/// </summary>
public sealed class BootstrapAdminKey
{
    public const string FileName = "bootstrap-admin-key";

    /// <summary>"agg_" and four random characters: 24 bits out of 256, no help to a guesser.</summary>
    public const int PrintedPrefixLength = 8;

    private BootstrapAdminKey(byte[]? hash) => Hash = hash;

    public byte[]? Hash { get; }

    public static BootstrapAdminKey Resolve(IConfiguration configuration, DatabaseEndpoint endpoint, ILogger logger)
    {
        var configured = configuration["Aggregator:BootstrapAdminKey"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (configured.Length < 32)
                throw new InvalidOperationException("Aggregator:BootstrapAdminKey must be at least 32 characters.");
            return new BootstrapAdminKey(ApiKeySecret.Hash(configured));
        }

        if (!endpoint.Embedded)
        {
            logger.LogWarning("Aggregator:BootstrapAdminKey is not set: no admin key can create tenants");
            return new BootstrapAdminKey(null);
        }

        var dataDirectory = configuration["Aggregator:DataDirectory"] ?? DatabaseRegistration.DefaultDataDirectory;
        var file = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        if (File.Exists(file))
        {
            logger.LogInformation("Bootstrap admin key: read from {File}", file);
            return new BootstrapAdminKey(ApiKeySecret.Hash(File.ReadAllText(file).Trim()));
        }

        var key = ApiKeySecret.Generate();
        File.WriteAllText(file, key);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        logger.LogWarning("Bootstrap admin key {Prefix}… created in {File} (mode 600): read it from there", key[..PrintedPrefixLength], file);
        return new BootstrapAdminKey(ApiKeySecret.Hash(key));
    }
}
