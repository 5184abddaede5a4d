using Aggregator.Domain.Rules;
using Aggregator.Domain.Templates;

namespace Aggregator.Domain.Validation;

/// <summary>
/// A new version that leaves empty what the version before it had. Often a mistake (a column not filled in,
/// a partial import), sometimes a correction; either way the rollups stop counting those figures, so the
/// version carries a warning that names them.
/// </summary>
public static class RemovedValues
{
    public const string RuleId = "values-removed";

    // The message names this many indicators with their labels; the outcome lists every code.
    private const int NamedInFull = 5;

    /// <summary>
    /// The warning for the codes that had a number in <paramref name="previous"/> and are null or absent in
    /// <paramref name="next"/>, in template order; null when there are none. Both are of <paramref name="template"/>:
    /// codes of different templates mean different things and are not compared.
    /// </summary>
    public static RuleOutcome? Find(ReportTemplate template, int previousVersion,
        IReadOnlyDictionary<string, decimal?> previous, IReadOnlyDictionary<string, decimal?> next)
    {
        var removed = previous
            .Where(pair => pair.Value is not null && next.GetValueOrDefault(pair.Key) is null)
            .Select(pair => pair.Key)
            .OrderBy(code => template.TryGetPosition(code, out var position) ? position : int.MaxValue)
            .ThenBy(code => code, StringComparer.Ordinal)
            .ToList();
        if (removed.Count == 0)
        {
            return null;
        }

        // Named in full up to a few; beyond, the first codes and the count (the outcome lists every code).
        var names = removed.Count <= NamedInFull
            ? string.Join("、", removed.Select(code => RuleMessage.Name(template, code)))
            : string.Join("、", removed.Take(NamedInFull)) + "…等";
        var message = $"上一版本（第 {previousVersion} 版）有、本版本缺少的 {removed.Count} 项指标：{names}；空值不计为零，汇总将不再计入这些数。";
        return new RuleOutcome(RuleId, RuleKind.Value, RuleSeverity.Warning, RuleStatus.Failed, removed, message);
    }
}
