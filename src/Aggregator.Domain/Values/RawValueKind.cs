namespace Aggregator.Domain.Values;

public enum RawValueKind
{
    Number,

    /// <summary>Explicitly empty (JSON <c>null</c>): missing, not zero.</summary>
    Missing,

    /// <summary>A JSON string such as <c>"12"</c> or <c>"无"</c>.</summary>
    Text,

    /// <summary>Anything else: booleans, arrays, objects, numbers beyond decimal's range.</summary>
    NotANumber,
}
