namespace Aggregator.Jobs.Rollups;

/// <summary>How many changes a (tenant, year) has seen: Σ of its rollup_dirty shards.</summary>
public static class DirtyGeneration
{
    public const int Shards = 16;

    /// <summary>The dirty generation of the rollup_state row aliased <c>s</c>.</summary>
    public const string OfState =
        "(SELECT coalesce(sum(d.generation), 0)::bigint FROM rollup_dirty d WHERE d.tenant_id = s.tenant_id AND d.year = s.year)";
}
