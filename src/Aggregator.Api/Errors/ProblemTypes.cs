namespace Aggregator.Api.Errors;

/// <summary>The problem types of this API beyond the plain HTTP statuses, as relative URIs.</summary>
public static class ProblemTypes
{
    public const string Base = "/problems/";

    public static string Of(string slug) => Base + slug;
}
