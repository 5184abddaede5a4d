using Aggregator.Api.OpenApi;
using Aggregator.Domain.Rules;
using Aggregator.Domain.Templates;

namespace Aggregator.Api.Features.Templates.Get;

public sealed class Request
{
    [Vocabulary(Vocabularies.Templates)]
    public string Code { get; init; } = "";
}

public sealed record IndicatorView(
    string Code, string Label, string Unit, string? Parent, [property: Vocabulary(Vocabularies.ValueTypes)] string ValueType, int Scale, [property: Vocabulary(Vocabularies.Aggregates)] string Aggregate,
    bool AllowNegative, string? Table, string? Row, string? Column, string? Note)
{
    public static IndicatorView From(Indicator i) => new(
        i.Code, i.Label, i.Unit, i.Parent, TemplateNames.Of(i.ValueType), i.Scale, TemplateNames.Of(i.Aggregate),
        i.AllowNegative, i.Table, i.Row, i.Column, i.Note);
}

public sealed record RowView(string Code, string Label, string? Numbering, string? Parent, bool IsGroup)
{
    public static RowView From(LayoutRow r) => new(r.Code, r.Label, r.Numbering, r.Parent, r.IsGroup);
}

public sealed record ColumnView(string Code, string Label, string? Group, string Unit, [property: Vocabulary(Vocabularies.ValueTypes)] string ValueType, int Scale, bool AllowNegative)
{
    public static ColumnView From(TableColumn c) =>
        new(c.Code, c.Label, c.Group, c.Unit, TemplateNames.Of(c.ValueType), c.Scale, c.AllowNegative);
}

public sealed record TableView(string Code, string Label, string? Numbering, string? ColumnGroup, IReadOnlyList<RowView> Rows, IReadOnlyList<ColumnView> Columns)
{
    public static TableView From(TemplateTable t) => new(
        t.Code, t.Label, t.Numbering, t.ColumnGroup, t.Rows.Select(RowView.From).ToList(), t.Columns.Select(ColumnView.From).ToList());
}

public sealed record RuleView(string Id, [property: Vocabulary(Vocabularies.RuleKinds)] string Kind, [property: Vocabulary(Vocabularies.RuleSeverities)] string Severity, IReadOnlyList<string> Left, IReadOnlyList<string> Right, string Message, string? Note)
{
    public static RuleView From(ReportRule r) =>
        new(r.Id, TemplateNames.Of(r.Kind), TemplateNames.Of(r.Severity), r.Left, r.Right, r.Message, r.Note);
}

/// <summary>
/// A phrase by which a report's prose states an indicator (for a share, of the indicator <c>of</c>), checked against the
/// table when a document is imported (<c>narrative-mismatch</c>): <c>{n}</c> the number, <c>{p}</c> a share in percent,
/// <c>[…]</c> words that may be left out, <c>…</c> a few characters of the same clause.
/// </summary>
public sealed record NarrativeView(string Indicator, string? Of, string Phrase)
{
    public static NarrativeView From(Aggregator.Domain.Narrative.NarrativePhrase p) => new(p.Indicator, p.Of, p.Pattern);
}

/// <summary>A whole template: its indicators (cells), the printed layout or matrix tables, its rules, and the phrases of its prose.</summary>
public sealed record Response(
    [property: Vocabulary(Vocabularies.Templates)] string Code, string Name, List.Years Years,
    IReadOnlyList<IndicatorView> Indicators, IReadOnlyList<RowView> Layout, IReadOnlyList<TableView> Tables, IReadOnlyList<RuleView> Rules,
    IReadOnlyList<NarrativeView> Narrative)
{
    public static Response From(ReportTemplate t) => new(
        t.Code, t.Name, new List.Years(t.FirstYear, t.LastYear),
        t.Indicators.Select(IndicatorView.From).ToList(),
        t.Layout.Select(RowView.From).ToList(),
        t.Tables.Select(TableView.From).ToList(),
        t.Rules.Select(RuleView.From).ToList(),
        t.Narrative.Select(NarrativeView.From).ToList());
}
