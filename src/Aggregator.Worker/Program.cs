using Aggregator.Data;
using Aggregator.Jobs;
using Aggregator.Worker;

// Runs only the Hangfire server, over the same database and storage as the API. Give it
// ConnectionStrings:Aggregator (the app role); leave ConnectionStrings:AggregatorOwner to the one process
// that migrates, and set Aggregator:Jobs:RunServer=false on the API replicas.
// appsettings.json (the logging defaults) is read from beside the binaries, wherever the worker is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Aggregator")))
{
    // An embedded PostgreSQL of its own would be a different database from the API's: refuse.
    Console.Error.WriteLine("The worker needs ConnectionStrings:Aggregator: the database the API uses.");
    return 1;
}
builder.AddDatabase();
builder.AddTemplates();
builder.AddJobs(runServer: true);
builder.AddWorkerTelemetry();
builder.Build().Run();
return 0;
