namespace Aggregator.Domain.Templates;

/// <summary>
/// One figure of a report: a row of a flat table (<c>3.1</c>) or a cell of a matrix (<c>3.1:np</c>).
/// </summary>
public sealed record Indicator
{
    public required string Code { get; init; }

    public required string Label { get; init; }

    public required string Unit { get; init; }

    /// <summary>The row or group it is listed under; null at the top level and for matrix cells.</summary>
    public string? Parent { get; init; }

    public IndicatorValueType ValueType { get; init; }

    /// <summary>Decimal places allowed; 0 for integers.</summary>
    public int Scale { get; init; }

    public AggregateKind Aggregate { get; init; }

    public bool AllowNegative { get; init; }

    /// <summary>Matrix table code (<c>3</c>); null for flat templates.</summary>
    public string? Table { get; init; }

    public string? Row { get; init; }

    public string? Column { get; init; }

    public string? Note { get; init; }

    /// <summary>Position in <see cref="ReportTemplate.Indicators"/>.</summary>
    public int Position { get; init; }

    public override string ToString() => $"{Label}({Code})";
}
