namespace Aggregator.Domain.Templates;

/// <summary>
/// A line of a table as printed: either an indicator or a heading (group) without a value of its own.
/// Kept in order so the official layout can be rebuilt.
/// </summary>
public sealed record LayoutRow(string Code, string Label, string? Numbering, string? Parent, bool IsGroup);
