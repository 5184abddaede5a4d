using Aggregator.Api;
using Aggregator.Api.Auth;
using Aggregator.Api.Health;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Templates;
using Aggregator.Data;
using Aggregator.Jobs;

var builder = WebApplication.CreateBuilder(args);
builder.AddDatabase();
builder.AddJobs();
builder.AddHealth();
builder.AddTemplates();
builder.AddApi();
builder.AddOpenApiDocument();

var app = builder.Build();
app.UseApi();
app.UseOpenApiDocument();
app.MapHealth();
app.MapJobsDashboard();
app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
