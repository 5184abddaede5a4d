using Aggregator.Data.Telemetry;
using Aggregator.Jobs.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Aggregator.Api.Telemetry;

public static class ApiTelemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// The shared telemetry (JSON logs with trace ids, the Aggregator and Npgsql instruments, OTLP when configured)
    /// plus ASP.NET Core's request metrics and spans, the job and staleness gauges, and the Prometheus exporter.
    /// </summary>
    public static WebApplicationBuilder AddApiTelemetry(this WebApplicationBuilder builder)
    {
        builder.AddTelemetry("aggregator-api",
            metrics => metrics
                // http.server.request.duration by http.route (the template, never a tenant's code) and status;
                // Kestrel's connections, the exception handler's diagnostics, the rate limiter's refusals.
                .AddAspNetCoreInstrumentation()
                .AddMeter("Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting")
                .AddJobGauges()
                .AddPrometheusExporter(),
            traces => traces.AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsProbe(context.Request.Path)));
        return builder;
    }

    /// <summary>
    /// /metrics in the Prometheus text format, without a key: it shows counts by route template, rule id, template
    /// and queue, and ages; no tenant, unit, key or figure. Its own requests are left out of the request metrics.
    /// </summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath).DisableHttpMetrics();
        return app;
    }

    /// <summary>Health probes and metrics scrapes: never rate limited, never traced, never counted as requests.</summary>
    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health");
}
