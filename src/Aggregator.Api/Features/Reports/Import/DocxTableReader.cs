using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Aggregator.Api.Features.Reports.Import;

/// <summary>
/// Finds the statistics table in a Word document: the table whose header row starts with 统计指标 (or,
/// without one, the table with the most rows). Each row's first cell is the label and its last cell the value.
/// The document's paragraphs are read too, in order (those in table cells included): its title and the table's
/// header name the year.
/// </summary>
public static class DocxTableReader
{
    public const string Format = "docx";

    /// <exception cref="InvalidDataException">The stream is not a Word document.</exception>
    /// <exception cref="DocumentTooLargeException">The document is beyond <see cref="DocumentLimits"/>.</exception>
    public static ReadDocument Read(Stream docx)
    {
        try
        {
            SurveyPackage(docx);
            // A 1 MiB upload can inflate a thousandfold; a statistics table needs a few hundred KB of XML at most.
            using var document = WordprocessingDocument.Open(docx, isEditable: false,
                new OpenSettings { MaxCharactersInPart = DocumentLimits.MaxXmlCharacters });
            if (document.MainDocumentPart is not { } main) return new ReadDocument(Format, null, [], []);
            Survey(main);
            var body = main.Document?.Body;
            if (body is null) return new ReadDocument(Format, null, [], []);

            var lines = body.Descendants<Paragraph>().Select(paragraph => string.Concat(paragraph.Descendants<Text>().Select(text => text.Text))).ToList();
            var tables = body.Descendants<Table>().ToList();
            var table = tables.FirstOrDefault(t => Rows(t).FirstOrDefault() is { } first && Compact(first.Label) == "统计指标")
                        ?? tables.MaxBy(t => t.Elements<DocumentFormat.OpenXml.Wordprocessing.TableRow>().Count());
            if (table is null) return new ReadDocument(Format, null, [], lines);
            if (table.Elements<DocumentFormat.OpenXml.Wordprocessing.TableRow>().Skip(DocumentLimits.MaxTableRows).Any())
                throw new DocumentTooLargeException(
                    $"The statistics table has more than {DocumentLimits.MaxTableRows:N0} rows; the official table has fewer than 300.");
            return new ReadDocument(Format, null, Rows(table).Where(row => Compact(row.Label) != "统计指标").ToList(), lines);
        }
        catch (Exception error) when (IsPartTooLarge(error))
        {
            throw new DocumentTooLargeException(
                $"The document's text is larger than {DocumentLimits.MaxXmlCharacters:N0} characters of XML; an annual report needs far less.");
        }
        catch (Exception error) when (error is DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or FileFormatException
                                          or InvalidOperationException or System.Xml.XmlException or System.IO.InvalidDataException)
        {
            throw new InvalidDataException("The file is not a readable .docx document.", error);
        }
    }

    /// <summary>
    /// Every XML part of the package (relationships and content types included, which OpenXML parses while opening
    /// it), streamed with a plain <see cref="XmlReader"/> before OpenXML touches any: nesting and size within
    /// <see cref="DocumentLimits"/>. A 2 KB relationships part nested 100,000 deep cost OpenXML 14 s of CPU.
    /// </summary>
    private static void SurveyPackage(Stream docx)
    {
        using (var zip = new System.IO.Compression.ZipArchive(docx, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true))
        {
            if (zip.Entries.Count > DocumentLimits.MaxParts)
                throw new DocumentTooLargeException(
                    $"The document has {zip.Entries.Count:N0} parts; a Word document has a few dozen (at most {DocumentLimits.MaxParts:N0}).");
            foreach (var entry in zip.Entries.Where(IsXmlPart))
            {
                using var stream = entry.Open();
                using var reader = XmlReader.Create(stream, SurveySettings);
                while (reader.Read())
                {
                    if (reader.NodeType != XmlNodeType.Element) continue;
                    if (reader.Depth >= DocumentLimits.MaxXmlDepth)
                        throw new DocumentTooLargeException(
                            $"The document's XML ({entry.FullName}) nests deeper than {DocumentLimits.MaxXmlDepth} elements; a Word table nests fewer than 30.");
                    if (reader.AttributeCount > DocumentLimits.MaxAttributes)
                        throw new DocumentTooLargeException(
                            $"An element of the document's XML ({entry.FullName}) has {reader.AttributeCount:N0} attributes; Word writes at most a few dozen (limit {DocumentLimits.MaxAttributes}).");
                }
            }
        }
        docx.Position = 0;
    }

    private static bool IsXmlPart(System.IO.Compression.ZipArchiveEntry entry) =>
        entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase);

    private static readonly XmlReaderSettings SurveySettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = DocumentLimits.MaxXmlCharacters,
        IgnoreComments = true,
        IgnoreWhitespace = true,
    };

    /// <summary>
    /// Streams through the main part with a plain <see cref="XmlReader"/> before the document is loaded, counting table
    /// rows and measuring nesting: a bomb is refused after reading a few hundred KB of its XML rather than after building
    /// millions of elements, and a deeply nested one before OpenXML's recursive Populate overflows the stack (a stack
    /// overflow cannot be caught: it ends the process). The main part is the only one this reader loads.
    /// </summary>
    private static void Survey(MainDocumentPart main)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = DocumentLimits.MaxXmlCharacters,
            IgnoreComments = true,
            IgnoreWhitespace = true,
        };
        var rows = 0;
        using var stream = main.GetStream(FileMode.Open, FileAccess.Read);
        using var reader = XmlReader.Create(stream, settings);
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element) continue;
            if (reader.Depth >= DocumentLimits.MaxXmlDepth)
                throw new DocumentTooLargeException(
                    $"The document's XML nests deeper than {DocumentLimits.MaxXmlDepth} elements; a Word table nests fewer than 30.");
            if (reader.LocalName == "tr" && reader.NamespaceURI is TransitionalNamespace or StrictNamespace
                && ++rows > DocumentLimits.MaxDocumentRows)
                throw new DocumentTooLargeException(
                    $"The document's tables have more than {DocumentLimits.MaxDocumentRows:N0} rows; the statistics table has fewer than 300.");
        }
    }

    private const string TransitionalNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private const string StrictNamespace = "http://purl.oclc.org/ooxml/wordprocessingml/main";

    /// <summary>The XML reader's MaxCharactersInDocument, set from MaxCharactersInPart, was exceeded.</summary>
    private static bool IsPartTooLarge(Exception error) =>
        error is System.Xml.XmlException && error.Message.Contains("MaxCharactersInDocument", StringComparison.Ordinal)
        || error.InnerException is { } inner && IsPartTooLarge(inner);

    private static IEnumerable<TableRow> Rows(Table table) =>
        table.Elements<DocumentFormat.OpenXml.Wordprocessing.TableRow>()
            .Select(row => row.Elements<TableCell>().ToList())
            .Where(cells => cells.Count >= 2)
            .Select(cells => new TableRow(Text(cells[0]), Text(cells[^1])));

    private static string Text(TableCell cell) =>
        DocumentLimits.Clip(string.Join("", cell.Descendants<Text>().Select(text => text.Text)).Trim(' ', '\u00a0', '\u3000'));

    private static string Compact(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}
