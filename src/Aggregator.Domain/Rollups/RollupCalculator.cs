using Aggregator.Domain.Values;

namespace Aggregator.Domain.Rollups;

/// <summary>An org unit as the rollups see it: where it hangs and whether it reports although it has children.</summary>
public sealed record RollupUnit(long Id, long? ParentId, string Code, bool ReportsOwnFigures);

/// <summary>Σ of an indicator over a subtree and how many units gave a non-null value.</summary>
public readonly record struct RollupCell(decimal? Value, int Reporters);

/// <summary>Who was expected to report in a subtree, and who has not.</summary>
public sealed record Completeness(int Expected, int Reported, IReadOnlyList<string> Missing);

/// <summary>The figures of one unit that has descendants.</summary>
public sealed record NodeRollup(long UnitId, IReadOnlyDictionary<string, RollupCell> Values, Completeness Completeness);

/// <summary>
/// The rollup arithmetic in memory: the reference the SQL of the rollup job is checked against.
/// For every unit with descendants, per summable indicator, the sum over every report in its subtree (its
/// own included); units expected to report are the leaves, units flagged as reporting their own figures, and
/// any unit that did report (its figures are in the sums, so it counts among the reporters).
/// </summary>
public static class RollupCalculator
{
    public static IReadOnlyDictionary<long, NodeRollup> Compute(
        IReadOnlyCollection<RollupUnit> units,
        IReadOnlyDictionary<long, ReportValues> reports,
        IReadOnlyCollection<string> summableCodes)
    {
        var children = units.Where(u => u.ParentId is not null).ToLookup(u => u.ParentId!.Value);
        var summable = summableCodes.ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<long, NodeRollup>();

        foreach (var unit in units.Where(u => children[u.Id].Any()))
        {
            var subtree = Subtree(unit, children).ToList();
            var values = new Dictionary<string, RollupCell>(StringComparer.Ordinal);
            foreach (var member in subtree)
            {
                if (!reports.TryGetValue(member.Id, out var report)) continue;
                foreach (var (code, value) in report)
                {
                    if (!summable.Contains(code)) continue;
                    var cell = values.GetValueOrDefault(code);
                    values[code] = value is { } v
                        ? new RollupCell((cell.Value ?? 0m) + v, cell.Reporters + 1)
                        : cell;
                }
            }

            var expected = subtree.Where(m => m.ReportsOwnFigures || !children[m.Id].Any() || reports.ContainsKey(m.Id)).ToList();
            var missing = expected.Where(m => !reports.ContainsKey(m.Id)).Select(m => m.Code).Order(StringComparer.Ordinal).ToList();
            result[unit.Id] = new NodeRollup(unit.Id, values, new Completeness(expected.Count, expected.Count - missing.Count, missing));
        }

        return result;
    }

    private static IEnumerable<RollupUnit> Subtree(RollupUnit root, ILookup<long, RollupUnit> children)
    {
        var stack = new Stack<RollupUnit>([root]);
        while (stack.TryPop(out var unit))
        {
            yield return unit;
            foreach (var child in children[unit.Id]) stack.Push(child);
        }
    }
}
