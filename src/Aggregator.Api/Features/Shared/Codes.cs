namespace Aggregator.Api.Features.Shared;

/// <summary>What a tenant or org unit code and kind may look like.</summary>
public static class Codes
{
    /// <summary>Official division codes (110102) or any stable code: letters, digits, '-', '_', '.'.</summary>
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";

    public static readonly string[] TenantKinds = ["province", "city", "district", "county"];

    public static readonly string[] OrgUnitKinds =
        ["province", "city", "district", "county", "sub-district", "township", "town", "department", "office", "other"];
}
