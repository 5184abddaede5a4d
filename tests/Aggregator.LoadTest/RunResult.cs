namespace Aggregator.LoadTest;

internal sealed record RunResult(TimeSpan Elapsed, IReadOnlyList<double> LatenciesMs, int Failures)
{
    public int Count => LatenciesMs.Count;

    public double PerSecond => Count / Elapsed.TotalSeconds;

    public double Percentile(int p)
    {
        if (Count == 0) return double.NaN;
        var sorted = LatenciesMs.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
    }

    /// <summary>Runs <paramref name="concurrency"/> workers, each repeating its operation until the time is up.</summary>
    public static async Task<RunResult> MeasureAsync(TimeSpan duration, int concurrency, Func<int, long, Task<bool>> operation)
    {
        var latencies = new List<double>[concurrency];
        var failures = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            latencies[worker] = [];
            for (long round = 0; clock.Elapsed < duration; round++)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                if (await operation(worker, round)) latencies[worker].Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                else Interlocked.Increment(ref failures);
            }
        })));
        return new RunResult(clock.Elapsed, latencies.SelectMany(l => l).ToList(), failures);
    }
}
