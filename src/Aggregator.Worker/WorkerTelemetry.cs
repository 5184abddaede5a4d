using Aggregator.Data.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Aggregator.Worker;

/// <summary>Aggregator:Telemetry — what the worker exposes besides its logs.</summary>
public sealed class WorkerTelemetryOptions
{
    public const string Section = "Aggregator:Telemetry";

    /// <summary>
    /// The port of the worker's Prometheus scrape endpoint (http://+:{port}/metrics, all interfaces); 0, the
    /// default, opens none. The worker serves no HTTP otherwise, so this is its only listening port.
    /// </summary>
    public int MetricsPort { get; set; }
}

public static class WorkerTelemetry
{
    /// <summary>
    /// The shared telemetry (JSON logs with trace ids; the rollup spans and durations; Npgsql's metrics and spans;
    /// OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set) and, when Aggregator:Telemetry:MetricsPort is set, /metrics on
    /// that port. The queue and staleness gauges are the API's: they describe the database, not this process.
    /// </summary>
    public static IHostApplicationBuilder AddWorkerTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkerTelemetryOptions>().BindConfiguration(WorkerTelemetryOptions.Section)
            .Validate(o => o.MetricsPort is >= 0 and <= 65535, "Aggregator:Telemetry:MetricsPort must be between 0 (none) and 65535.")
            .ValidateOnStart();
        var port = builder.Configuration.GetSection(WorkerTelemetryOptions.Section).Get<WorkerTelemetryOptions>()?.MetricsPort ?? 0;
        builder.AddTelemetry("aggregator-worker",
            metrics =>
            {
                if (port is > 0 and <= 65535)
                    metrics.AddPrometheusHttpListener(listener =>
                    {
                        listener.Port = port;
                        // Scraped from outside the container: every interface, not the default localhost.
                        listener.ConfigureHttpListener = static (options, http) =>
                        {
                            http.Prefixes.Clear();
                            http.Prefixes.Add($"http://+:{options.Port}/metrics/");
                        };
                    });
            },
            _ => { });
        return builder;
    }
}
