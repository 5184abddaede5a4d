namespace Aggregator.Domain.Templates;

/// <summary>A matrix of the national format: rows × columns, each data cell an indicator <c>ROW:COLUMN</c>.</summary>
public sealed record TemplateTable(
    string Code,
    string Label,
    string? Numbering,
    string? ColumnGroup,
    IReadOnlyList<LayoutRow> Rows,
    IReadOnlyList<TableColumn> Columns)
{
    /// <summary>The heading of the report section the table is printed under (二、主动公开政府信息情况), when the table's own label is not it.</summary>
    public string? Section { get; init; }

    /// <summary>
    /// The form prints the rows side by side on one line, each row's columns under the row's label (四: 行政复议 and
    /// the two kinds of 行政诉讼, 15 cells). The parts of a row label split at <c>·</c> are heading levels, outermost first.
    /// </summary>
    public bool PrintedAsOneRow { get; init; }

    public IEnumerable<LayoutRow> DataRows => Rows.Where(row => !row.IsGroup);

    public static string CellCode(string row, string column) => $"{row}:{column}";
}
