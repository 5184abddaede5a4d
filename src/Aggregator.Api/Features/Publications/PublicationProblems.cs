namespace Aggregator.Api.Features.Publications;

/// <summary>The problem types of publishing a year.</summary>
public static class PublicationProblems
{
    /// <summary>409: a rollup of the year is pending; the figures to publish are not those stored yet (as for a hand-up).</summary>
    public const string FiguresStale = Upstream.UpstreamProblems.FiguresStale;
    /// <summary>409: no accepted version of the year counts in the figures yet: nothing to publish.</summary>
    public const string NothingToPublish = "nothing-to-publish";
    /// <summary>422: the unit is not one that is published (only the tenant's root, its consolidated year, is).</summary>
    public const string NotPublishable = "not-publishable";
}
