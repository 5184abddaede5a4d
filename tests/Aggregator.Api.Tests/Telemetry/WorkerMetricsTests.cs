using System.Net;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data.Embedded;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Api.Tests.Telemetry;

/// <summary>The worker serves a Prometheus /metrics beside its health probes, on the same port.</summary>
public sealed class WorkerMetricsTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"aggregator-worker-metrics-{Guid.NewGuid():N}");
    private EmbeddedPostgres _postgres = null!;

    public async Task InitializeAsync() => _postgres = await EmbeddedPostgres.StartAsync(_dataDirectory, NullLogger.Instance);

    [Fact]
    public async Task Should_serve_its_metrics_on_the_configured_port()
    {
        await using var worker = AppProcess.Start(AppProcess.WorkerAssembly, new Dictionary<string, string>
        {
            ["ConnectionStrings__Aggregator"] = _postgres.AppConnectionString,
            ["ConnectionStrings__AggregatorOwner"] = _postgres.OwnerConnectionString,
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        });
        var listening = await worker.WaitForLineAsync(line => line.Contains("Now listening on", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
        var address = System.Text.RegularExpressions.Regex.Match(listening, @"http://127\.0\.0\.1:\d+").Value;

        using var client = new HttpClient();
        await (await client.GetAsync($"{address}/health/live")).ShouldHaveStatus(HttpStatusCode.OK);
        var response = await client.GetAsync($"{address}/metrics");

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("service_name=\"aggregator-worker\"", text);
        Assert.Contains("db_client_connection_count", text);
        Assert.DoesNotContain("db_client_connection_pool_name", text);   // named after connection strings otherwise
        Assert.DoesNotContain("Username=", text, StringComparison.OrdinalIgnoreCase);
    }

    public async Task DisposeAsync()
    {
        await _postgres.DisposeAsync();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
