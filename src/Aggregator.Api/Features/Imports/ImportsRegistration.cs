using Hangfire;

namespace Aggregator.Api.Features.Imports;

/// <summary>
/// The import job and the one Hangfire server that runs it. Registered by the API, whatever Aggregator:Jobs:RunServer
/// says: the job stores through the API's version writer, and the worker process (which has neither) never serves
/// <see cref="ImportJob.Queue"/>. One worker per API process: an import is long and writes many versions, and the
/// rollups it triggers have workers of their own.
/// </summary>
public static class ImportsRegistration
{
    public const int WorkerCount = 1;

    public static IServiceCollection AddCsvImports(this IServiceCollection services)
    {
        services.AddTransient<ImportJob>();
        services.AddHangfireServer((_, server) =>
        {
            server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:imports";
            server.WorkerCount = WorkerCount;
            server.Queues = [ImportJob.Queue];
        });
        return services;
    }
}
