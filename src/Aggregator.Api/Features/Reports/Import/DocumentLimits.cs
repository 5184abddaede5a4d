namespace Aggregator.Api.Features.Reports.Import;

/// <summary>
/// How much of an uploaded document is read. The official statistics tables have fewer than 300 rows; a
/// document far beyond these bounds is refused before it costs seconds of CPU and megabytes of answer.
/// </summary>
public static class DocumentLimits
{
    /// <summary>Rows of the statistics table.</summary>
    public const int MaxTableRows = 1_000;

    /// <summary>Rows of all the document's tables together (annexes may hold tables of their own).</summary>
    public const int MaxDocumentRows = 5_000;

    /// <summary>Characters of a .docx's decompressed main XML part (a 1 MiB upload can inflate a thousandfold).</summary>
    public const long MaxXmlCharacters = 4_000_000;

    /// <summary>
    /// Nesting depth of a .docx's main XML part. Word's own documents, tables in tables included, nest fewer than 30
    /// deep; OpenXML builds its DOM recursively, and 100,000 nested elements overflow the stack and end the process.
    /// </summary>
    public const int MaxXmlDepth = 64;

    /// <summary>
    /// Attributes (namespace declarations included) of one element: Word's root element declares a few dozen
    /// namespaces. OpenXML's cost grows faster than linearly with them: 340,000 on one element took 6 s of CPU.
    /// </summary>
    public const int MaxAttributes = 256;

    /// <summary>Parts (zip entries) of a .docx: Word writes a few dozen.</summary>
    public const int MaxParts = 1_000;

    /// <summary>Characters of a cell's text kept: a longer one is no label or value of the table.</summary>
    public const int MaxCellCharacters = 500;

    public static string Clip(string cell) => cell.Length <= MaxCellCharacters ? cell : string.Concat(cell.AsSpan(0, MaxCellCharacters), "…");
}

/// <summary>The document exceeds <see cref="DocumentLimits"/>: answered 422, as the upload itself was within its size limit.</summary>
public sealed class DocumentTooLargeException(string message) : Exception(message);
