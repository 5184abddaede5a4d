namespace Aggregator.Domain.Templates.Loading;

// The shape of db/templates/*.json. Unknown members are rejected, so a misspelt field fails the load.
internal sealed class TemplateJson
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public int? FirstYear { get; set; }
    public int? LastYear { get; set; }
    public string? Note { get; set; }
    public List<RowJson>? Rows { get; set; }
    public List<TableJson>? Tables { get; set; }
    public List<RuleJson>? Rules { get; set; }
    public List<RuleJson>? RuleFamilies { get; set; }
    public List<NarrativeJson>? Narrative { get; set; }
}

/// <summary>Phrases by which a report's prose states <see cref="Indicator"/> (as a share of <see cref="Of"/> when set).</summary>
internal sealed class NarrativeJson
{
    public string? Indicator { get; set; }
    public string? Of { get; set; }
    public List<string>? Phrases { get; set; }
    public string? Note { get; set; }
}

internal sealed class RowJson
{
    public string? Code { get; set; }
    public string? Numbering { get; set; }
    public string? Label { get; set; }
    public string? Parent { get; set; }
    public bool Group { get; set; }
    public string? Unit { get; set; }
    public string? ValueType { get; set; }
    public int? Scale { get; set; }
    public string? Aggregate { get; set; }
    public bool AllowNegative { get; set; }
    public string? Note { get; set; }
}

internal sealed class TableJson
{
    public string? Code { get; set; }
    public string? Numbering { get; set; }
    public string? Label { get; set; }
    public string? Unit { get; set; }
    public string? ValueType { get; set; }
    public int? Scale { get; set; }
    public string? Aggregate { get; set; }
    public string? ColumnGroup { get; set; }
    public string? Section { get; set; }
    public bool PrintedAsOneRow { get; set; }
    public List<RowJson>? Rows { get; set; }
    public List<ColumnJson>? Columns { get; set; }
}

internal sealed class ColumnJson
{
    public string? Code { get; set; }
    public string? Label { get; set; }
    public string? Group { get; set; }
    public string? Unit { get; set; }
    public string? ValueType { get; set; }
    public int? Scale { get; set; }
    public bool AllowNegative { get; set; }
}

internal sealed class RuleJson
{
    public string? Id { get; set; }
    public string? Kind { get; set; }
    public string? Severity { get; set; }
    public List<string>? Left { get; set; }
    public List<string>? Right { get; set; }
    public string? Message { get; set; }
    public string? Note { get; set; }

    /// <summary>For rule families: <c>row</c> or <c>column</c> of <see cref="Table"/>.</summary>
    public string? ForEach { get; set; }
    public string? Table { get; set; }
}

internal sealed class MappingJson
{
    public string? From { get; set; }
    public string? To { get; set; }
    public string? Note { get; set; }
    public List<MappingEntryJson>? Entries { get; set; }
}

internal sealed class MappingEntryJson
{
    public string? Target { get; set; }
    public List<string>? Targets { get; set; }
    public List<string>? Sources { get; set; }
    public SameCellsJson? SameCells { get; set; }
    public string? Reason { get; set; }
}

/// <summary>Every row × column cell maps to the cell with the same code.</summary>
internal sealed class SameCellsJson
{
    public List<string>? Rows { get; set; }
    public List<string>? Columns { get; set; }
}
