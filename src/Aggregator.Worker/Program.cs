using Aggregator.Data;
using Aggregator.Jobs;
using Aggregator.Worker;
using Microsoft.AspNetCore.Builder;

// Runs only the Hangfire server, over the same database and storage as the API, and answers its health probes and /metrics.
// Give it ConnectionStrings:Aggregator (the app role); leave ConnectionStrings:AggregatorOwner to the one-shot
// `migrate` step, and set Aggregator:Jobs:RunServer=false on the API replicas.
// appsettings.json (the logging defaults) is read from beside the binaries, wherever the worker is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Aggregator")))
{
    // An embedded PostgreSQL of its own would be a different database from the API's: refuse.
    Console.Error.WriteLine("The worker needs ConnectionStrings:Aggregator: the database the API uses.");
    return 1;
}
builder.AddDatabase();
builder.AddTemplates();
builder.AddJobs(runServer: true);
builder.AddWorkerHealth();
builder.AddWorkerTelemetry();

var app = builder.Build();
app.MapWorkerHealth();
app.MapWorkerMetrics();
app.Run();
return 0;
