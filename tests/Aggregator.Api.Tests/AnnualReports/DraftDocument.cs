using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Aggregator.Api.Tests.AnnualReports;

/// <summary>A downloaded .docx read back with DocumentFormat.OpenXml: its paragraphs with their styles, its tables as text.</summary>
public sealed class DraftDocument
{
    public sealed record Line(string Style, string Text, bool Highlighted);

    private DraftDocument(IReadOnlyList<Line> lines, IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> tables, IReadOnlyDictionary<string, string> styleNames,
        PageSize pageSize, string? bodyFont)
    {
        Lines = lines;
        Tables = tables;
        StyleNames = styleNames;
        PageSize = pageSize;
        BodyFont = bodyFont;
    }

    /// <summary>The paragraphs of the body outside tables, in order.</summary>
    public IReadOnlyList<Line> Lines { get; }

    /// <summary>Each table as rows of cell texts (a merged cell once, where Word has it).</summary>
    public IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> Tables { get; }

    /// <summary>Style id → style name (Heading1 → heading 1).</summary>
    public IReadOnlyDictionary<string, string> StyleNames { get; }

    public PageSize PageSize { get; }

    /// <summary>The east-Asian font of the document's default run properties.</summary>
    public string? BodyFont { get; }

    public IEnumerable<string> Headings => Lines.Where(line => StyleNames.GetValueOrDefault(line.Style)?.StartsWith("heading", StringComparison.Ordinal) == true).Select(line => line.Text);

    public IEnumerable<string> Paragraphs => Lines.Where(line => line.Style == "ReportText").Select(line => line.Text);

    public static DraftDocument Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var package = WordprocessingDocument.Open(stream, false);
        var main = package.MainDocumentPart!;
        var body = main.Document.Body!;
        var lines = body.Elements<Paragraph>()
            .Select(p => new Line(p.ParagraphProperties?.ParagraphStyleId?.Val?.Value ?? "", p.InnerText,
                p.Descendants<Highlight>().Any()))
            .Where(line => line.Text.Length > 0)
            .ToList();
        var tables = body.Elements<Table>()
            .Select(t => (IReadOnlyList<IReadOnlyList<string>>)t.Elements<TableRow>()
                .Select(r => (IReadOnlyList<string>)r.Elements<TableCell>().Select(c => c.InnerText).ToList()).ToList())
            .ToList();
        var styles = main.StyleDefinitionsPart!.Styles!;
        var names = styles.Elements<Style>().ToDictionary(s => s.StyleId!.Value!, s => s.StyleName!.Val!.Value!);
        var font = styles.DocDefaults?.RunPropertiesDefault?.RunPropertiesBaseStyle?.RunFonts?.EastAsia?.Value;
        return new DraftDocument(lines, tables, names, body.Elements<SectionProperties>().Single().GetFirstChild<PageSize>()!, font);
    }
}
