namespace Aggregator.Api.Features.Reports.Import;

/// <summary>
/// An uploaded document as read: <see cref="Format"/> (<c>text</c> or <c>docx</c>), how a text was decoded (<see cref="TextDecoding"/>;
/// null for a .docx), the rows of its statistics table (none when no table was found) and its lines of text in order.
/// </summary>
public sealed record ReadDocument(string Format, string? Encoding, IReadOnlyList<TableRow> Rows, IReadOnlyList<string> Lines)
{
    /// <summary>No character but blanks anywhere: an empty file, a file of spaces and line breaks, a .docx without text.</summary>
    /// <summary>
    /// The text outside the statistics table: the lines before its title (政府信息公开情况统计表) or, in a document without
    /// that title, before its header cell 统计指标 (a .docx's lines hold its tables' paragraphs too).
    /// </summary>
    public string Prose() =>
        string.Join('\n', Lines.TakeWhile(line => Compact(line) is var text
                                                   && !text.Contains(TextTableReader.Title, StringComparison.Ordinal) && text != "统计指标"));

    private static string Compact(string line) => string.Concat(line.Where(c => !char.IsWhiteSpace(c)));

    public bool IsBlank => Rows.Count == 0 && Lines.All(line => line.All(c => char.IsWhiteSpace(c) || c is '\uFEFF' or '\u200B'));
}
