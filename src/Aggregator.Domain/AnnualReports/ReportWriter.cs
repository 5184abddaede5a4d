namespace Aggregator.Domain.AnnualReports;

/// <summary>Collects the blocks of a draft in reading order.</summary>
internal sealed class ReportWriter
{
    private readonly List<ReportBlock> blocks = [];

    public IReadOnlyList<ReportBlock> Blocks => blocks;

    public void Heading(int level, string text, bool newPage = false) => blocks.Add(new ReportHeading(level, text, newPage));

    public void Paragraph(string text) => blocks.Add(new ReportParagraph(text));

    public void ToBeWritten(string what) => blocks.Add(new ReportParagraph(AnnualReportDocument.ToBeWritten(what), ToBeWritten: true));

    public void Table(string? tableCode, string caption) => blocks.Add(new ReportTable(tableCode, caption));
}
