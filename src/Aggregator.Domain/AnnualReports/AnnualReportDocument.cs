namespace Aggregator.Domain.AnnualReports;

/// <summary>The draft as a structure: a title and blocks in reading order, for a writer (.docx) to lay out.</summary>
public sealed record AnnualReportDocument(string Title, IReadOnlyList<ReportBlock> Blocks)
{
    /// <summary>The marker of prose only people can write: 【待填写：…】.</summary>
    public static string ToBeWritten(string what) => $"【待填写：{what}】";

    public IEnumerable<string> Headings => Blocks.OfType<ReportHeading>().Select(heading => heading.Text);

    public IEnumerable<string> Paragraphs => Blocks.OfType<ReportParagraph>().Select(paragraph => paragraph.Text);
}

public abstract record ReportBlock;

/// <summary>A section heading: level 1 for 一、…, 2 for （一）…, 3 for 1、…; <paramref name="NewPage"/> for an attachment (附件).</summary>
public sealed record ReportHeading(int Level, string Text, bool NewPage = false) : ReportBlock;

/// <summary>A paragraph; <paramref name="ToBeWritten"/> when it is a marked place for people to write.</summary>
public sealed record ReportParagraph(string Text, bool ToBeWritten = false) : ReportBlock;

/// <summary>
/// A statistics table in the template's official layout: the whole flat table (<paramref name="TableCode"/> null) or
/// one matrix of the national format.
/// </summary>
public sealed record ReportTable(string? TableCode, string Caption) : ReportBlock;
