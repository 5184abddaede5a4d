using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>A Word document like the ones sub-districts send: a paragraph of prose, then the seed's table as a Word table.</summary>
public static class SeedDocx
{
    public static byte[] Build(Func<SeedReport.Row, SeedReport.Row>? change = null)
    {
        using var buffer = new MemoryStream();
        using (var document = WordprocessingDocument.Create(buffer, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var table = new Table(new TableProperties(new TableBorders(new TopBorder { Val = BorderValues.Single })));
            table.Append(Row("统 计 指 标", "单位", "统计数"));
            foreach (var row in SeedReport.Rows.Select(change ?? (row => row))) table.Append(Row(row.Label, row.Unit, row.Value));
            main.Document = new Document(new Body(
                Paragraph("陶然亭街道2017年政府信息公开工作年度报告"),
                Paragraph("政府信息公开情况统计表（2017年度）"),
                table));
            main.Document.Save();
        }
        return buffer.ToArray();
    }

    private static Paragraph Paragraph(string text) => new(new Run(new Text(text)));

    private static DocumentFormat.OpenXml.Wordprocessing.TableRow Row(params string[] cells) =>
        new(cells.Select(cell => new TableCell(Paragraph(cell))).Cast<OpenXmlElement>());
}
