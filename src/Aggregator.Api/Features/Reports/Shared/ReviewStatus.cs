namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>
/// A version's review status. With review off every version is accepted on receipt (by <see cref="System"/>);
/// with review required it is submitted, and a reviewer accepts or returns it. The newest accepted version is
/// the one that counts in rollups, comparisons and exports.
/// </summary>
public static class ReviewStatus
{
    public const string Submitted = "submitted";
    public const string Accepted = "accepted";
    public const string Returned = "returned";

    public static readonly string[] All = [Submitted, Accepted, Returned];

    /// <summary>The actor of a status nobody chose: accepted on receipt because review was off.</summary>
    public const string System = "system";
}

/// <summary>The tenant's review setting.</summary>
public static class ReviewModes
{
    public const string Off = "off";
    public const string Required = "required";

    public static readonly string[] All = [Off, Required];
}
