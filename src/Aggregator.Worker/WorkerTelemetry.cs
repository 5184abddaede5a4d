using Aggregator.Data.Telemetry;
using Microsoft.AspNetCore.Builder;
using OpenTelemetry.Metrics;

namespace Aggregator.Worker;

public static class WorkerTelemetry
{
    /// <summary>
    /// The shared telemetry (JSON logs with trace ids; the rollup durations; Npgsql's metrics; spans and OTLP when
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set) and a Prometheus /metrics beside the health probes, on the same port.
    /// The queue and staleness gauges are the API's: they describe the database, not this process.
    /// </summary>
    public static WebApplicationBuilder AddWorkerTelemetry(this WebApplicationBuilder builder)
    {
        builder.AddTelemetry("aggregator-worker", metrics => metrics.AddPrometheusExporter(), _ => { });
        return builder;
    }

    public static WebApplication MapWorkerMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
