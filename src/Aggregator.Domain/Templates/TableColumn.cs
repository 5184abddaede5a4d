namespace Aggregator.Domain.Templates;

public sealed record TableColumn(
    string Code,
    string Label,
    string? Group,
    string Unit,
    IndicatorValueType ValueType,
    int Scale,
    bool AllowNegative);
