using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Running;

/// <summary>The worker as an operator runs it: its own process over the API's database.</summary>
public sealed class WorkerTests(ScratchCluster cluster) : IClassFixture<ScratchCluster>
{
    [Fact]
    public async Task Should_not_log_every_sql_statement_by_default()
    {
        await using var worker = AppProcess.Start(AppProcess.WorkerAssembly, new Dictionary<string, string>
        {
            ["ConnectionStrings__Aggregator"] = cluster.AppConnectionString,
            ["ConnectionStrings__AggregatorOwner"] = cluster.OwnerConnectionString,
        });

        // Before it listens it has migrated, registered its recurring jobs and started the Hangfire server (hosted
        // services start before the server): all SQL.
        await worker.ReadyAsync();

        Assert.DoesNotContain("Npgsql", worker.Output);
        Assert.DoesNotContain("SELECT", worker.Output);
    }
}
