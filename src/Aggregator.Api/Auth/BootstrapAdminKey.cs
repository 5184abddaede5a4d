using Aggregator.Data;

namespace Aggregator.Api.Auth;

/// <summary>
/// The platform admin's key: Aggregator:BootstrapAdminKey, or, on the embedded default without one, a key
/// generated once, printed once, and kept in the data folder (mode 600).
/// </summary>
public sealed class BootstrapAdminKey
{
    public const string FileName = "bootstrap-admin-key";

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
        // Printed once, on the start that created it; later starts only say where it is kept.
        Console.WriteLine($"Bootstrap admin key (shown once, kept in {file}): {key}");
        return new BootstrapAdminKey(ApiKeySecret.Hash(key));
    }
}
