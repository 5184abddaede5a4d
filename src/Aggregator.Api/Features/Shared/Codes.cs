namespace Aggregator.Api.Features.Shared;

/// <summary>What a tenant or org unit code and kind may look like.</summary>
public static class Codes
{
    /// <summary>Official division codes (110102) or any stable code: letters, digits, '-', '_', '.'.</summary>
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";

    public static readonly string[] TenantKinds = ["province", "city", "district", "county"];

    public static readonly string[] OrgUnitKinds =
        ["province", "city", "district", "county", "sub-district", "township", "town", "department", "office", "other"];

    /// <summary>A comma-separated list of codes as a query string gives it (indicators=1.1,3.1): trimmed, empty entries dropped.</summary>
    public static IReadOnlyList<string> CommaList(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
