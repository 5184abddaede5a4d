namespace Aggregator.Api.Errors;

/// <summary>The <c>reason</c> of a 404 whose resource will or could exist: figures on their way, or nothing to compute from.</summary>
public static class NotFoundReasons
{
    public const string Member = "reason";
    public const string BeingComputed = "being-computed";
    public const string NoReports = "no-reports";
}
