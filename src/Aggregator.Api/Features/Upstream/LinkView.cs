namespace Aggregator.Api.Features.Upstream;

/// <summary>
/// The link to the tenant this one reports to: <c>url</c> null is this deployment; <c>tenant</c> and <c>orgUnit</c> are the
/// tenant and this tenant's unit there; <c>keyPrefix</c> the first characters of the reporter key kept (encrypted) for it.
/// The key itself is never shown.
/// </summary>
public sealed record LinkView(string? Url, string Tenant, string OrgUnit, string KeyPrefix, string LinkedBy, DateTime LinkedAt);

/// <summary>The problem types of handing a year up.</summary>
public static class UpstreamProblems
{
    /// <summary>422: upstream did not accept the link's key (unreachable, refused, not a reporter of the named unit).</summary>
    public const string Refused = "upstream-refused";
    /// <summary>409: a rollup is pending; the figures to hand up are not those stored yet.</summary>
    public const string FiguresStale = "figures-stale";
    /// <summary>409: units are missing or awaiting review, and the request did not say allowIncomplete with a reason.</summary>
    public const string Incomplete = "incomplete";
}
