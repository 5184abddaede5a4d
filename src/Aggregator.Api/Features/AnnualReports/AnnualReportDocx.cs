using Aggregator.Api.Features.Rollups.Export;
using Aggregator.Domain.AnnualReports;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Aggregator.Api.Features.AnnualReports;

/// <summary>
/// The annual report as a Word document, laid out as an official document (GB/T 9704): A4, the title in 小标宋 二号,
/// the text in 仿宋_GB2312 三号 with two characters' indent, headings 黑体 / 楷体 / 仿宋 bold as Word's heading 1–3 (so
/// the navigation pane shows the outline), page numbers "— 1 —", and the statistics tables in the layout of the
/// .xlsx (<see cref="OfficialTable"/>), an empty cell written "—". Written from the figures alone (no request): the
/// draft and the published edition are the same document.
/// </summary>
public static class AnnualReportDocx
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    /// <summary>Composes the draft from the figures and writes it.</summary>
    public static byte[] Write(AnnualReportFigures figures) =>
        Write(AnnualReportText.Compose(figures), tableCode => OfficialTable.Figures(figures.Template, tableCode, figures.ValueOf));

    /// <summary>Writes a composed draft; <paramref name="tableOf"/> gives the official table of a <see cref="ReportTable"/>.</summary>
    public static byte[] Write(AnnualReportDocument report, Func<string?, Sheet> tableOf)
    {
        using var buffer = new MemoryStream();
        using (var package = WordprocessingDocument.Create(buffer, WordprocessingDocumentType.Document))
        {
            var main = package.AddMainDocumentPart();
            DocxStyles.AddTo(main);
            var footer = main.AddNewPart<FooterPart>();
            footer.Footer = PageNumberFooter();
            var body = new Body();
            body.Append(Styled(DocxStyles.Title, report.Title));
            foreach (var block in report.Blocks)
            {
                switch (block)
                {
                    case ReportHeading heading:
                        var paragraph = Styled(DocxStyles.Heading(heading.Level), heading.Text);
                        // An attachment starts a page, its 附件 flush left as the format prints it.
                        if (heading.NewPage) paragraph.ParagraphProperties!.Append(new PageBreakBefore(), new Indentation { FirstLine = "0", FirstLineChars = 0 });
                        body.Append(paragraph);
                        break;
                    case ReportParagraph { ToBeWritten: true } marked:
                        body.Append(Styled(DocxStyles.Text, marked.Text, highlight: true));
                        break;
                    case ReportParagraph text:
                        body.Append(Styled(DocxStyles.Text, text.Text));
                        break;
                    case ReportTable table:
                        if (table.Caption.Length > 0) body.Append(Styled(DocxStyles.Caption, table.Caption));
                        body.Append(DocxTable.Build(tableOf(table.TableCode), dataFrom: table.TableCode is null ? 3 : 2));
                        // Word needs a paragraph between two tables, or it joins them.
                        body.Append(Styled(DocxStyles.TableGap, ""));
                        break;
                }
            }
            body.Append(PageSetup(main.GetIdOfPart(footer)));
            main.Document = new Document(body);
            main.Document.Save();
        }
        return buffer.ToArray();
    }

    private static Paragraph Styled(string style, string text, bool highlight = false)
    {
        var run = new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
        if (highlight) run.PrependChild(new RunProperties(new Highlight { Val = HighlightColorValues.Yellow }));
        return new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = style }), run);
    }

    /// <summary>A4 portrait with the margins of GB/T 9704 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm).</summary>
    private static SectionProperties PageSetup(string footerId) => new(
        new FooterReference { Type = HeaderFooterValues.Default, Id = footerId },
        new PageSize { Width = DocxStyles.PageWidth, Height = 16838U },
        new PageMargin { Top = 2098, Bottom = 1984, Left = DocxStyles.LeftMargin, Right = DocxStyles.RightMargin, Header = 851U, Footer = 992U, Gutter = 0U });

    private static Footer PageNumberFooter() => new(new Paragraph(
        new ParagraphProperties(new Justification { Val = JustificationValues.Center }),
        new Run(new Text("— ") { Space = SpaceProcessingModeValues.Preserve }),
        new SimpleField(new Run(new Text("1"))) { Instruction = " PAGE " },
        new Run(new Text(" —") { Space = SpaceProcessingModeValues.Preserve })));
}
