using Aggregator.Domain.Rules;

namespace Aggregator.Domain.Templates;

/// <summary>A rule with its operands resolved to indicator positions, so validation never looks up a code.</summary>
internal readonly record struct CompiledRule(RuleKind Kind, int[] Left, int[] Right);
