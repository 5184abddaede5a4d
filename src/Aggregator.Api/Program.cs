using Aggregator.Api;
using Aggregator.Api.Auth;
using Aggregator.Api.Dashboard;
using Aggregator.Api.Deployment;
using Aggregator.Api.Health;
using Aggregator.Api.Limits;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Telemetry;
using Aggregator.Data;
using Aggregator.Data.Embedded;
using Aggregator.Jobs;

if (MigrateCommand.IsRequested(args)) return await MigrateCommand.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
try
{
    builder.AddDatabase();
}
catch (EmbeddedPostgresException e)
{
    // No binaries, or the cluster would not start: one clear line, not a stack trace.
    Console.Error.WriteLine($"Aggregator cannot start its embedded PostgreSQL: {e.Message}");
    return 1;
}
builder.AddJobs();
builder.AddHealth();
builder.AddTemplates();
builder.AddApi();
builder.AddLimits();
builder.AddOpenApiDocument();
builder.AddApiTelemetry();

var app = builder.Build();
app.UseApi();
app.UseDashboardPage();
app.UseOpenApiDocument();
app.MapHealth();
app.MapMetrics();
app.MapJobsDashboard();
app.Run();
return 0;

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
