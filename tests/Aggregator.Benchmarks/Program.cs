using Aggregator.Benchmarks.Suite;
using BenchmarkDotNet.Running;

namespace Aggregator.Benchmarks;

internal static class BenchmarkMain
{
    private const string Usage = """
        dotnet run -c Release --project tests/Aggregator.Benchmarks -- all [--size tiny|small|medium|full] [--only read,table,ingest,freshness,recompute,sweep,growth] [--tenants N] [--units N] [--standby] [--pgbouncer] [--out RESULTS.md] [--json results.json]
        dotnet run -c Release --project tests/Aggregator.Benchmarks -- validation [BenchmarkDotNet arguments, e.g. --filter '*' --job short]
        """;

    private static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "all":
                return await BenchmarkSuite.RunAsync(SuiteOptions.Parse(args.Skip(1).ToArray()));
            case "validation":
                BenchmarkSwitcher.FromAssembly(typeof(BenchmarkMain).Assembly).Run(args.Skip(1).ToArray());
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
