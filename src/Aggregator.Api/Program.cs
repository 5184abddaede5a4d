using Aggregator.Api;
using Aggregator.Api.Auth;
using Aggregator.Api.Dashboard;
using Aggregator.Api.Deployment;
using Aggregator.Api.Health;
using Aggregator.Api.Landing;
using Aggregator.Api.Limits;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Public;
using Aggregator.Api.Telemetry;
using Aggregator.Data;
using Aggregator.Data.Embedded;
using Aggregator.Data.Telemetry;
using Aggregator.Jobs;

if (MigrateCommand.IsRequested(args)) return await MigrateCommand.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
try
{
    builder.AddDatabase();
}
catch (EmbeddedPostgresException e)
{
    // No binaries, or the cluster would not start: one clear line, not a stack trace; a log line like every other.
    using (var startup = TelemetryRegistration.CreateStartupLoggerFactory(builder.Configuration, builder.Environment))
        startup.CreateLogger("Aggregator.Api").LogCritical("Aggregator cannot start its embedded PostgreSQL: {Reason}", e.Message);
    return 1;
}
builder.AddJobs();
builder.AddHealth();
builder.AddTemplates();
builder.AddApi();
builder.AddLimits();
builder.AddOpenApiDocument();
builder.AddLandingPage();
builder.AddApiTelemetry();

var app = builder.Build();
app.UseApi();
app.UseDashboardPage();
app.UsePublicPage();
app.MapLandingPage();
app.UseOpenApiDocument();
app.MapHealth();
app.MapMetrics();
app.MapJobsDashboard();
app.Run();
return 0;

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
