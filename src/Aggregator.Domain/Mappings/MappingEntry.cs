namespace Aggregator.Domain.Mappings;

/// <summary>
/// Σ <see cref="Targets"/> (codes of the later template) measures the same thing as Σ <see cref="Sources"/>
/// (codes of the earlier one). Usually one target; several when only their sum is comparable
/// (2017 <c>5</c> ↔ 2019 <c>4.2:total</c> + <c>4.3:total</c>).
/// </summary>
public sealed record MappingEntry(IReadOnlyList<string> Targets, IReadOnlyList<string> Sources, string Reason)
{
    /// <summary>The target code, or the target codes joined with <c>+</c> when there are several.</summary>
    public string Key { get; } = string.Join('+', Targets);
}
