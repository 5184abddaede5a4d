using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Rollups.Export;

/// <summary>A unit expected to report, and the values of its report that count (null while none counts).</summary>
public sealed record ReportingUnit(long OrgUnitId, string Code, string Name, IReadOnlyDictionary<string, decimal?>? Values);

/// <summary>
/// What a download shows: the stored rollup of a unit with descendants (never computed on request) and the
/// reports of the units below it. Read under the same rules as <c>GET …/rollups/{year}</c>.
/// </summary>
public sealed record StoredRollup(
    long OrgUnitId,
    string OrgUnit,
    string Name,
    int Year,
    ReportTemplate Template,
    DateTime ComputedAt,
    bool Stale,
    int Expected,
    int Reported,
    IReadOnlyDictionary<string, decimal?> Values,
    IReadOnlyList<ReportingUnit> Units)
{
    public static async Task<StoredRollup> ReadAsync(DbSession db, TemplateCatalog catalog, Caller caller, string org, int year) =>
        await ReadAsync(db, catalog, await FigureScope.FindUnitAsync(db, caller, org), org, year);

    /// <summary>The stored rollup of <paramref name="unit"/>, found in the caller's scope already.</summary>
    public static async Task<StoredRollup> ReadAsync(DbSession db, TemplateCatalog catalog, FigureScope.Unit unit, string org, int year)
    {
        if (!unit.HasChildren)
            throw ProblemException.NotFound(ProblemText.LeafHasNoRollup(org));
        var header = await Data.FindAsync(db, year, unit.OrgUnitId)
                     ?? throw await FigureScope.NotStoredAsync(db, year, ProblemText.FiguresOf(year, org));
        var template = catalog.Find(header.Template)
                       ?? throw new InvalidOperationException($"The {year} rollup of '{org}' was computed on template '{header.Template}', which is not loaded.");

        // Nobody reported an indicator when its sum is null or no unit gave a value: an empty cell, not 0.
        var values = (await Data.RollupAsync(db, year, unit.OrgUnitId))
            .ToDictionary(row => row.Indicator, row => row.Reporters > 0 ? row.Value : null, StringComparer.Ordinal);
        var reported = (await Data.UnitValuesAsync(db, year, unit.OrgUnitId, template.Code))
            .GroupBy(row => row.OrgUnitId)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, decimal?>)g.ToDictionary(row => row.Indicator, row => row.Value, StringComparer.Ordinal));
        var units = (await Data.ReportingUnitsAsync(db, year, unit.OrgUnitId))
            .Select(row => new ReportingUnit(row.OrgUnitId, row.Code, row.Name, reported.GetValueOrDefault(row.OrgUnitId)))
            .ToList();

        return new StoredRollup(unit.OrgUnitId, unit.Code, header.Name, year, template, header.ComputedAt, header.Stale,
            header.Expected, header.Reported, values, units);
    }

    public decimal? ValueOf(string indicator) => Values.GetValueOrDefault(indicator);
}
