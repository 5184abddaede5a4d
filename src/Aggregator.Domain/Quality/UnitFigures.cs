namespace Aggregator.Domain.Quality;

/// <summary>
/// The counted report of one unit for one year: its template and values (null = left empty, never zero), and
/// the warnings stored with the version that counts.
/// </summary>
public sealed record UnitFigures(
    string OrgUnit,
    string Template,
    IReadOnlyDictionary<string, decimal?> Values,
    IReadOnlyList<StoredWarning>? Warnings = null);

/// <summary>A failed warning rule as stored with a version: its id, the indicators it names, its message.</summary>
public sealed record StoredWarning(string RuleId, IReadOnlyList<string> Indicators, string Message);
