using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data.Embedded;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Api.Tests.Running;

/// <summary>The worker as an operator runs it: its own process over the API's database.</summary>
public sealed class WorkerTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"aggregator-worker-{Guid.NewGuid():N}");
    private EmbeddedPostgres _postgres = null!;

    public async Task InitializeAsync() => _postgres = await EmbeddedPostgres.StartAsync(_dataDirectory, NullLogger.Instance);

    [Fact]
    public async Task Should_not_log_every_sql_statement_by_default()
    {
        await using var worker = AppProcess.Start(AppProcess.WorkerAssembly, new Dictionary<string, string>
        {
            ["ConnectionStrings__Aggregator"] = _postgres.AppConnectionString,
            ["ConnectionStrings__AggregatorOwner"] = _postgres.OwnerConnectionString,
        });

        // By then it has migrated, registered its recurring jobs and started the Hangfire server: all SQL.
        await worker.WaitForLineAsync(line => line.Contains("Application started"), TimeSpan.FromMinutes(2));

        Assert.DoesNotContain("Npgsql", worker.Output);
        Assert.DoesNotContain("SELECT", worker.Output);
    }

    public async Task DisposeAsync()
    {
        await _postgres.DisposeAsync();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
