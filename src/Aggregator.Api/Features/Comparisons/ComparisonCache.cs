using Aggregator.Jobs.Rollups;
using Microsoft.Extensions.Caching.Memory;

namespace Aggregator.Api.Features.Comparisons;

/// <summary>
/// The comparisons computed on request (a base other than the year before, which the rollup job does not store),
/// kept per replica while the figures of both years stay the same generation. Bounded by the rows it holds, so many
/// bases asked for once cost memory for a while, never without end; the least recently used go first.
/// </summary>
public sealed class ComparisonCache : IDisposable
{
    /// <summary>About 150 bytes a row: some 15 MB at most.</summary>
    public const int MaxRows = 100_000;

    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = MaxRows });

    /// <summary>
    /// The key of one comparison: whose, which years, which unit's subtree, and the figures' generation of each year.
    /// The one place the generation enters: today rollup_state's dirty generation of each year, which every change
    /// of the counted values or of the tree moves inside the changing transaction.
    /// </summary>
    public static Key KeyOf(Guid tenantId, int year, int baseYear, long orgUnitId, string template, string baseTemplate,
        long generation, long baseGeneration) =>
        new(tenantId, year, baseYear, orgUnitId, template, baseTemplate, generation, baseGeneration);

    public readonly record struct Key(Guid TenantId, int Year, int BaseYear, long OrgUnitId, string Template, string BaseTemplate,
        long Generation, long BaseGeneration);

    /// <summary>The rows under <paramref name="key"/>, computed by <paramref name="compute"/> when not held.</summary>
    public async Task<IReadOnlyList<ComparisonRow>> GetOrComputeAsync(Key key, Func<Task<IEnumerable<ComparisonRow>>> compute)
    {
        if (_entries.TryGetValue(key, out IReadOnlyList<ComparisonRow>? held) && held is not null) return held;
        var rows = (await compute()).ToList();
        // An answer larger than the whole cache is answered, not kept.
        if (rows.Count < MaxRows) _entries.Set(key, (IReadOnlyList<ComparisonRow>)rows, new MemoryCacheEntryOptions { Size = rows.Count + 1 });
        return rows;
    }

    /// <summary>How many comparisons are held (tests).</summary>
    internal long Count => _entries.Count;

    public void Dispose() => _entries.Dispose();
}
