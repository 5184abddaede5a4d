namespace Aggregator.Benchmarks.Suite;

/// <summary>
/// Sizes of a run. full is the issue's: at least 20 M values, 12 tenants × 1,000 units × 10 years, every cell (20.0 M values),
/// growth up to 10 M values. tiny is the test suite's smoke run: every scenario once, seconds each.
/// </summary>
internal sealed record SuiteOptions(
    string Size, int Tenants, int Units, int Years, TimeSpan Ingest, TimeSpan Read, int FreshnessPosts, long[] Growth, int RecomputeRuns,
    string? Out, string? Json, int Seed, bool InstallWrk, IReadOnlySet<string>? Only = null, bool Standby = false, bool PgBouncer = false)
{
    public static SuiteOptions Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        var size = Value("--size") ?? "full";
        var options = size switch
        {
            "tiny" => new SuiteOptions(size, 1, 5, 2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 20, [1_000, 10_000], 1, null, null, 1, true),
            "small" => new SuiteOptions(size, 2, 100, 3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), 300, [10_000, 100_000], 3, null, null, 1, true),
            "medium" => new SuiteOptions(size, 10, 1_000, 2, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 300, [10_000, 100_000, 1_000_000], 3, null, null, 1, true),
            "full" => new SuiteOptions(size, 12, 1_000, 10, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15), 300, [10_000, 100_000, 1_000_000, 10_000_000], 3, null, null, 1, true),
            _ => throw new ArgumentException($"--size must be tiny, small, medium or full, not '{size}'"),
        };
        return options with
        {
            Out = Value("--out"),
            Json = Value("--json"),
            Seed = Value("--seed") is { } seed ? int.Parse(seed) : options.Seed,
            Tenants = Value("--tenants") is { } tenants ? int.Parse(tenants) : options.Tenants,
            Units = Value("--units") is { } units ? int.Parse(units) : options.Units,
            InstallWrk = !args.Contains("--no-install"),
            // The read scenario against a second API whose figure reads go to a streaming standby of the cluster.
            Standby = args.Contains("--standby"),
            // The API through a PgBouncer in transaction mode (automatic preparation off; LISTEN and Hangfire direct).
            PgBouncer = args.Contains("--pgbouncer"),
            Only = Value("--only") is { } only ? only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet() : null,
        };
    }

    /// <summary>Whether a scenario runs: all of them, unless --only names some (e.g. --only freshness,read).</summary>
    public bool Runs(string scenario) => Only is null || Only.Contains(scenario);
}
