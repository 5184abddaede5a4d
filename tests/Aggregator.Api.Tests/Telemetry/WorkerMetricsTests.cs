using System.Net;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Telemetry;

/// <summary>The worker serves a Prometheus /metrics beside its health probes, on the same port.</summary>
public sealed class WorkerMetricsTests(ScratchCluster cluster) : IClassFixture<ScratchCluster>
{
    [Fact]
    public async Task Should_serve_its_metrics_on_the_configured_port()
    {
        await using var worker = AppProcess.Start(AppProcess.WorkerAssembly, new Dictionary<string, string>
        {
            ["ConnectionStrings__Aggregator"] = cluster.AppConnectionString,
            ["ConnectionStrings__AggregatorOwner"] = cluster.OwnerConnectionString,
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        });
        var address = await worker.ListeningAsync();

        using var client = new HttpClient { BaseAddress = address };
        await (await client.GetAsync("/health/live")).ShouldHaveStatus(HttpStatusCode.OK);
        var response = await client.GetAsync("/metrics");

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("service_name=\"aggregator-worker\"", text);
        Assert.Contains("db_client_connection_count", text);
        Assert.DoesNotContain("db_client_connection_pool_name", text);   // named after connection strings otherwise
        Assert.DoesNotContain("Username=", text, StringComparison.OrdinalIgnoreCase);
    }
}
