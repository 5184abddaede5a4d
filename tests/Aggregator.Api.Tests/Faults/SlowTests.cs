namespace Aggregator.Api.Tests.Faults;

/// <summary>
/// The fault tests that take minutes (a restart under load, a killed worker, replicas under load) run only where
/// <c>AGGREGATOR_SLOW_TESTS=1</c>, as <c>.ci/run</c> sets it; elsewhere they report themselves skipped.
/// </summary>
public static class SlowTests
{
    public const string Variable = "AGGREGATOR_SLOW_TESTS";

    /// <summary>One after the other: each starts a cluster and processes of its own, and loads them.</summary>
    public const string Collection = "slow faults";

    public static void Require() => Skip.IfNot(Environment.GetEnvironmentVariable(Variable) == "1",
        $"A slow fault test: set {Variable}=1 to run it (.ci/run does).");
}
