using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Aggregator.Data.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>The standard variable that turns the OTLP exporter on; without it nothing is pushed anywhere.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// What every process of the service shares: console logs as one JSON object a line (outside Development;
    /// Logging:Console:FormatterName=simple|json|systemd chooses), carrying the trace and span ids; OpenTelemetry
    /// metrics of <see cref="AggregatorTelemetry"/> and Npgsql; traces of the same and OTLP export
    /// (of traces, metrics and logs) only when OTEL_EXPORTER_OTLP_ENDPOINT is set. The host adds its own instrumentation and readers in
    /// <paramref name="metrics"/> and <paramref name="traces"/> (the API its /metrics, the worker its listener).
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder, string serviceName,
        Action<MeterProviderBuilder> metrics, Action<TracerProviderBuilder> traces)
    {
        AddJsonConsoleLogs(builder);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? serviceName))
            .WithMetrics(meters =>
            {
                meters.AddMeter(AggregatorTelemetry.Name).AddNpgsqlInstrumentation().AddMeter("System.Runtime");
                // Npgsql names a pool after its connection string (password removed) unless the data source is named:
                // the owner's, the superuser's and the key listener's connections would show the database's host,
                // port and roles on /metrics. Only the connection state is kept as a label; pools are summed.
                meters.AddView(instrument => instrument.Meter.Name == "Npgsql"
                    ? new OpenTelemetry.Metrics.MetricStreamConfiguration { TagKeys = ["db.client.connection.state"] }
                    : null);
                metrics(meters);
            });
        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting])) return builder;

        // Spans are recorded only when they go somewhere: a span per request and per SQL command costs, and with no
        // exporter nobody would see them. Logs carry trace ids either way (ASP.NET Core's request Activity, and the
        // caller's traceparent, exist without a tracer provider).
        telemetry
            .WithTracing(tracing =>
            {
                tracing.AddSource(AggregatorTelemetry.Name).AddNpgsql();
                traces(tracing);
            })
            .UseOtlpExporter();
        return builder;
    }

    /// <summary>
    /// A logger factory for what a process logs before its host is built (the embedded PostgreSQL's start, a refusal
    /// to start), writing the console lines the host will write: JSON outside Development, with the same options
    /// and the same Logging levels. Dispose it to flush its lines before the host's first one.
    /// </summary>
    public static ILoggerFactory CreateStartupLoggerFactory(IConfiguration configuration, IHostEnvironment environment) =>
        LoggerFactory.Create(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            AddJsonConsoleLogs(logging, environment);
        });

    private static void AddJsonConsoleLogs(IHostApplicationBuilder builder) => AddJsonConsoleLogs(builder.Logging, builder.Environment);

    private static void AddJsonConsoleLogs(ILoggingBuilder logging, IHostEnvironment environment)
    {
        logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        logging.AddConsole();
        logging.Services.Configure<JsonConsoleFormatterOptions>(json =>
        {
            // The trace ids travel in the scopes.
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            // Report text is Chinese: keep it readable in the log rather than \uXXXX.
            json.JsonWriterOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        });
        if (!environment.IsDevelopment())
        {
            // Only when Logging:Console:FormatterName is not given: an operator's choice stands.
            logging.Services.PostConfigure<ConsoleLoggerOptions>(console => console.FormatterName ??= ConsoleFormatterNames.Json);
        }
    }
}
