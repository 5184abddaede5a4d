using System.Collections.Frozen;
using Aggregator.Domain.Rules;

namespace Aggregator.Domain.Templates;

/// <summary>
/// One version of the statistics table: what a report contains and the rules it must satisfy.
/// Built by <see cref="TemplateCatalog"/>, which checks it; rules are compiled here once, for validation.
/// </summary>
public sealed class ReportTemplate
{
    private readonly FrozenDictionary<string, int> positions;
    private readonly FrozenDictionary<string, ReportRule> rulesById;

    internal ReportTemplate(
        string code,
        string name,
        int firstYear,
        int? lastYear,
        IReadOnlyList<Indicator> indicators,
        IReadOnlyList<LayoutRow> layout,
        IReadOnlyList<TemplateTable> tables,
        IReadOnlyList<ReportRule> rules)
    {
        Code = code;
        Name = name;
        FirstYear = firstYear;
        LastYear = lastYear;
        Indicators = indicators;
        Layout = layout;
        Tables = tables;
        Rules = rules;
        Groups = layout.Concat(tables.SelectMany(table => table.Rows)).Where(row => row.IsGroup).ToArray();
        positions = indicators.ToFrozenDictionary(indicator => indicator.Code, indicator => indicator.Position, StringComparer.Ordinal);
        rulesById = rules.ToFrozenDictionary(rule => rule.Id, StringComparer.Ordinal);
        CompiledRules = rules.Select(rule => new CompiledRule(
            rule.Kind,
            rule.Left.Select(code => positions[code]).ToArray(),
            rule.Right.Select(code => positions[code]).ToArray())).ToArray();
    }

    public string Code { get; }

    public string Name { get; }

    public int FirstYear { get; }

    /// <summary>Null while the template is still in force.</summary>
    public int? LastYear { get; }

    /// <summary>Every indicator in table order (matrix cells row by row).</summary>
    public IReadOnlyList<Indicator> Indicators { get; }

    /// <summary>Rows of a flat template as printed, headings included; empty for matrix templates.</summary>
    public IReadOnlyList<LayoutRow> Layout { get; }

    /// <summary>Matrix tables of the national format; empty for flat templates.</summary>
    public IReadOnlyList<TemplateTable> Tables { get; }

    /// <summary>Headings without a value of their own (<c>1.3</c>, <c>3.3.3</c>…).</summary>
    public IReadOnlyList<LayoutRow> Groups { get; }

    public IReadOnlyList<ReportRule> Rules { get; }

    /// <summary>How reports in this format state the table's figures in their prose (<see cref="Narrative.NarrativeCheck"/>).</summary>
    public IReadOnlyList<Narrative.NarrativePhrase> Narrative { get; init; } = [];

    internal CompiledRule[] CompiledRules { get; }

    public bool AppliesTo(int year) => year >= FirstYear && (LastYear is null || year <= LastYear);

    public Indicator? FindIndicator(string code) =>
        positions.TryGetValue(code, out var position) ? Indicators[position] : null;

    public bool TryGetPosition(string code, out int position) => positions.TryGetValue(code, out position);

    public ReportRule? FindRule(string id) => rulesById.GetValueOrDefault(id);

    public override string ToString() => Code;
}
