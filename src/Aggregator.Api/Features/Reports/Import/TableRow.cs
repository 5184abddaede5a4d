namespace Aggregator.Api.Features.Reports.Import;

/// <summary>One row of a statistics table as found in a document: the label as printed and the value cell's text.</summary>
public sealed record TableRow(string Label, string Value);
