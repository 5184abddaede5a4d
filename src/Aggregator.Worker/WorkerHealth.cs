using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Aggregator.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Aggregator.Worker;

/// <summary>
/// The worker's probes, on the same routes as the API's: /health/live (the process answers) and /health/ready
/// (database reachable, schema current). It listens where ASP.NET Core's usual settings say (ASPNETCORE_HTTP_PORTS,
/// which the container image sets to 8080, or --urls); with none of them, on a free loopback port, so that
/// workers started side by side on one machine never fight over a port.
/// </summary>
public static class WorkerHealth
{
    private const string ReadyTag = "ready";

    public static WebApplicationBuilder AddWorkerHealth(this WebApplicationBuilder builder)
    {
        string?[] listening = [builder.Configuration["urls"], builder.Configuration["http_ports"], builder.Configuration["https_ports"]];
        if (listening.All(string.IsNullOrWhiteSpace)) builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddHealthChecks().AddDatabaseChecks(ReadyTag);
        return builder;
    }

    public static WebApplication MapWorkerHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        return app;
    }
}
