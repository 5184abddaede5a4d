namespace Aggregator.Domain.Templates;

public enum IndicatorValueType
{
    Integer,
    Decimal,
}
