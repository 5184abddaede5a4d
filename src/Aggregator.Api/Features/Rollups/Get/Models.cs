using Aggregator.Api.OpenApi;
namespace Aggregator.Api.Features.Rollups.Get;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }
}

public sealed record Response(
    string OrgUnit, int Year, [property: Vocabulary(Vocabularies.Templates)] string Template, DateTime ComputedAt, bool Stale,
    CompletenessView Completeness, IReadOnlyDictionary<string, RollupValue> Values);

/// <summary>
/// reported: units with a version that counts. awaitingReview: units whose newest version waits for a reviewer
/// (while review is required); such a unit is also missing until one of its versions is accepted.
/// </summary>
public sealed record CompletenessView(int Expected, int Reported, IReadOnlyList<string> Missing, IReadOnlyList<string> AwaitingReview);

/// <summary>Σ over the subtree; reporters = units that gave a non-null value.</summary>
public sealed record RollupValue(decimal? Value, int Reporters);

/// <summary>What the OpenAPI document shows: 西城区's 2017 figures with 12 of 15 sub-districts reported.</summary>
internal static class Examples
{
    public static readonly Response Rollup = new("110102", 2017, "bj-gip-2017", new DateTime(2018, 2, 1, 8, 0, 0, DateTimeKind.Utc), false,
        new CompletenessView(15, 12, ["110102003", "110102011", "110102015"], ["110102011"]),
        new Dictionary<string, RollupValue> { ["1.1"] = new(12345, 12), ["3.1"] = new(87, 12), ["7"] = new(null, 0) });
}
