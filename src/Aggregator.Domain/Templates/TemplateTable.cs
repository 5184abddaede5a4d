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
    public IEnumerable<LayoutRow> DataRows => Rows.Where(row => !row.IsGroup);

    public static string CellCode(string row, string column) => $"{row}:{column}";
}
