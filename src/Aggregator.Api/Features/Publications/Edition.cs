using System.Text.Json;
using Aggregator.Api.OpenApi;

namespace Aggregator.Api.Features.Publications;

/// <summary>One figure as published: the indicator's code, its label and unit as the template named them then, and the value (null: nobody reported it).</summary>
public sealed record PublishedFigure(string Code, string Label, string Unit, decimal? Value);

/// <summary>The year-over-year comparison as published, against <c>baseYear</c>: per indicator the base value, the change and the change in percent (null where the base is 0 or missing).</summary>
public sealed record PublishedComparison(int BaseYear, IReadOnlyList<PublishedChange> Values);

public sealed record PublishedChange(string Code, decimal? Base, decimal? Delta, decimal? PctChange);

/// <summary>An indicator whose value differs from the edition before: what it was there and what it is in this one.</summary>
public sealed record ChangedFigure(string Code, string Label, decimal? Before, decimal? After);

/// <summary>Which units the published figures count: expected to report, counted (their accepted version is in the figures), and missing.</summary>
public sealed record CountedUnits(int Expected, int Counted, IReadOnlyList<CountedUnit> Units, IReadOnlyList<string> Missing);

public sealed record CountedUnit(string Code, string Name);

/// <summary>
/// A published edition as anyone reads it (<c>/public/v1/{tenant}/{year}</c>): the figures with labels and units, the
/// year-over-year comparison and the changelog as published, the units counted, and when it was published. Never
/// changed once written; a correction is the next edition.
/// </summary>
public sealed record EditionView(
    string Tenant,
    string TenantName,
    string OrgUnit,
    string OrgUnitName,
    int Year,
    int Edition,
    [property: Vocabulary(Vocabularies.Templates)] string Template,
    DateTime PublishedAt,
    DateTime ComputedAt,
    IReadOnlyList<PublishedFigure> Figures,
    PublishedComparison? Yoy,
    IReadOnlyList<ChangedFigure> Changelog,
    CountedUnits CountedUnits);

/// <summary>What is stored of an edition, as the database holds it (the JSON columns as text).</summary>
public sealed class EditionRow
{
    public string Tenant { get; init; } = "";
    public string TenantName { get; init; } = "";
    public string TimeZone { get; init; } = "";
    public string OrgUnit { get; init; } = "";
    public string OrgUnitName { get; init; } = "";
    public int Year { get; init; }
    public int Edition { get; init; }
    public string Template { get; init; } = "";
    public DateTime PublishedAt { get; init; }
    public DateTime ComputedAt { get; init; }
    public string Figures { get; init; } = "[]";
    public string? Yoy { get; init; }
    public string Changelog { get; init; } = "[]";
    public string CountedUnits { get; init; } = "{}";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);

    public IReadOnlyList<PublishedFigure> FigureList() => JsonSerializer.Deserialize<List<PublishedFigure>>(Figures, Json) ?? [];

    public EditionView View() => new(Tenant, TenantName, OrgUnit, OrgUnitName, Year, Edition, Template,
        DateTime.SpecifyKind(PublishedAt, DateTimeKind.Utc), DateTime.SpecifyKind(ComputedAt, DateTimeKind.Utc), FigureList(),
        Yoy is null ? null : JsonSerializer.Deserialize<PublishedComparison>(Yoy, Json),
        JsonSerializer.Deserialize<List<ChangedFigure>>(Changelog, Json) ?? [],
        JsonSerializer.Deserialize<CountedUnits>(CountedUnits, Json) ?? new CountedUnits(0, 0, [], []));
}

/// <summary>What changed between two editions' figures: every code of either whose value differs (a figure missing on one side is null there).</summary>
public static class Changelog
{
    public static IReadOnlyList<ChangedFigure> Between(IReadOnlyList<PublishedFigure> before, IReadOnlyList<PublishedFigure> after)
    {
        var old = before.ToDictionary(f => f.Code, StringComparer.Ordinal);
        var changes = new List<ChangedFigure>();
        foreach (var figure in after)
        {
            var was = old.GetValueOrDefault(figure.Code)?.Value;
            if (was != figure.Value) changes.Add(new ChangedFigure(figure.Code, figure.Label, was, figure.Value));
        }
        var now = after.Select(f => f.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in before.Where(f => !now.Contains(f.Code) && f.Value is not null))
            changes.Add(new ChangedFigure(gone.Code, gone.Label, gone.Value, null));
        return changes;
    }
}
