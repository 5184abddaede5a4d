using Microsoft.AspNetCore.DataProtection;

namespace Aggregator.Jobs.Upstream;

/// <summary>
/// An upstream key at rest: encrypted with Data Protection under a purpose bound to the tenant, so a row copied into
/// another tenant does not decrypt there. Only <see cref="Prefix"/> of it is ever shown.
/// </summary>
public sealed class UpstreamKeys(IDataProtectionProvider provider)
{
    private const string Purpose = "Aggregator.Upstream.Key.v1";

    /// <summary>Characters of the key shown in answers (agg_ and four more: enough to tell keys apart, nothing to use).</summary>
    public const int PrefixLength = 8;

    public string Protect(Guid tenantId, string key) => Protector(tenantId).Protect(key);

    public string Unprotect(Guid tenantId, string protectedKey) => Protector(tenantId).Unprotect(protectedKey);

    public static string Prefix(string key) => key.Length <= PrefixLength ? "" : key[..PrefixLength];

    private IDataProtector Protector(Guid tenantId) => provider.CreateProtector(Purpose, tenantId.ToString());
}
