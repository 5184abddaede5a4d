using Aggregator.Data;
using Aggregator.Domain.Templates;
using Aggregator.Jobs;

// Runs only the Hangfire server, over the same database and storage as the API. Give it
// ConnectionStrings:Aggregator (the app role); leave ConnectionStrings:AggregatorOwner to the one process
// that migrates, and set Aggregator:Jobs:RunServer=false on the API replicas.
var builder = Host.CreateApplicationBuilder(args);
builder.AddDatabase();
builder.Services.AddSingleton(TemplateCatalog.LoadFromDirectory(
    builder.Configuration["Aggregator:TemplateDirectory"] ?? Path.Combine(AppContext.BaseDirectory, "templates")));
builder.AddJobs(runServer: true);
builder.Build().Run();
