using Aggregator.Domain.Templates;

namespace Aggregator.Domain.AnnualReports;

/// <summary>
/// What a draft annual report is written from: the unit, the year's template and figures (code → value, null for
/// an empty cell), the previous year's figures in the same codes when they are comparable (same template or through a
/// declared mapping; null otherwise), and, for a consolidated unit, the units its figures include.
/// </summary>
public sealed record AnnualReportFigures(
    string UnitName,
    bool Consolidated,
    int Year,
    ReportTemplate Template,
    IReadOnlyDictionary<string, decimal?> Values,
    IReadOnlyDictionary<string, decimal?>? Previous,
    IReadOnlyList<string> CountedUnits)
{
    /// <summary>How the report speaks of its author: 全区 for a district's consolidated figures, 本单位 otherwise.</summary>
    public string Speaker => Consolidated ? "全区" : "本单位";

    public decimal? ValueOf(string code) => Values.GetValueOrDefault(code);

    public decimal? PreviousOf(string code) => Previous?.GetValueOrDefault(code);
}
