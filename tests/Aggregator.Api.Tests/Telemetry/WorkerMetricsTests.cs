using System.Net;
using System.Net.Sockets;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data.Embedded;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Api.Tests.Telemetry;

/// <summary>The worker serves no HTTP but, when given Aggregator:Telemetry:MetricsPort, a Prometheus /metrics on it.</summary>
public sealed class WorkerMetricsTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"aggregator-worker-metrics-{Guid.NewGuid():N}");
    private EmbeddedPostgres _postgres = null!;

    public async Task InitializeAsync() => _postgres = await EmbeddedPostgres.StartAsync(_dataDirectory, NullLogger.Instance);

    [Fact]
    public async Task Should_serve_its_metrics_on_the_configured_port()
    {
        var port = FreePort();
        await using var worker = AppProcess.Start(AppProcess.WorkerAssembly, new Dictionary<string, string>
        {
            ["ConnectionStrings__Aggregator"] = _postgres.AppConnectionString,
            ["ConnectionStrings__AggregatorOwner"] = _postgres.OwnerConnectionString,
            ["Aggregator__Telemetry__MetricsPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await worker.WaitForLineAsync(line => line.Contains("Application started", StringComparison.Ordinal), TimeSpan.FromMinutes(2));

        using var client = new HttpClient();
        var response = await client.GetAsync($"http://127.0.0.1:{port}/metrics");

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("service_name=\"aggregator-worker\"", text);
        Assert.Contains("db_client_connection_count", text);
        Assert.Contains("db_client_connection_pool_name=\"aggregator\"", text);
    }

    public async Task DisposeAsync()
    {
        await _postgres.DisposeAsync();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
