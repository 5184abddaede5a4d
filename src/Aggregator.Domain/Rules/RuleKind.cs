namespace Aggregator.Domain.Rules;

public enum RuleKind
{
    /// <summary>Σ left = Σ right.</summary>
    Sum,

    /// <summary>Σ left ≤ Σ right.</summary>
    LessOrEqual,

    /// <summary>Σ left ≥ Σ right.</summary>
    GreaterOrEqual,

    /// <summary>A check of one value on its own (unknown code, text, sign, decimals).</summary>
    Value,
}
