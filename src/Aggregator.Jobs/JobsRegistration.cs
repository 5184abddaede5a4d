using Aggregator.Data;
using Aggregator.Jobs.Rollups;
using Aggregator.Jobs.Upstream;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aggregator.Jobs;

public static class JobsRegistration
{
    /// <summary>
    /// Hangfire over the process's session NpgsqlDataSource, the rollup jobs and the trigger the report POST calls.
    /// The server runs here unless <paramref name="runServer"/> or Aggregator:Jobs:RunServer says not to.
    /// Call after AddDatabase: the schema step must follow the migrations.
    /// </summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder, bool? runServer = null)
    {
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section)
            .Validate(o => o.WorkerCount > 0, "Aggregator:Jobs:WorkerCount must be positive.")
            .Validate(o => o.RecomputeWorkerCount > 0, "Aggregator:Jobs:RecomputeWorkerCount must be positive.")
            .Validate(o => o.BulkWorkerCount > 0, "Aggregator:Jobs:BulkWorkerCount must be positive.")
            .Validate(o => o.UpstreamWorkerCount > 0, "Aggregator:Jobs:UpstreamWorkerCount must be positive.")
            .Validate(o => o.QueuePollInterval > TimeSpan.Zero, "Aggregator:Jobs:QueuePollInterval must be positive.")
            .Validate(o => o.RollupSpacing >= TimeSpan.Zero && o.RollupSpacing <= TimeSpan.FromSeconds(10),
                "Aggregator:Jobs:RollupSpacing must be between 00:00:00 and 00:00:10.")
            .Validate(o => o.SchedulePollingInterval >= TimeSpan.FromSeconds(1), "Aggregator:Jobs:SchedulePollingInterval must be at least 00:00:01.")
            .Validate(o => o.InvisibilityTimeout >= TimeSpan.FromSeconds(5) && o.InvisibilityTimeout <= TimeSpan.FromHours(1),
                "Aggregator:Jobs:InvisibilityTimeout must be between 00:00:05 and 01:00:00.")
            .Validate(o => o.TreeChangeQuiet >= TimeSpan.Zero && o.TreeChangeQuiet <= TimeSpan.FromMinutes(5),
                "Aggregator:Jobs:TreeChangeQuiet must be between 00:00:00 and 00:05:00.")
            .Validate(o => o.TreeChangeMaxWait >= o.TreeChangeQuiet && o.TreeChangeMaxWait <= TimeSpan.FromMinutes(30),
                "Aggregator:Jobs:TreeChangeMaxWait must be at least TreeChangeQuiet and at most 00:30:00.")
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();

        builder.Services.AddHostedService<HangfireSchemaInstaller>();
        // Hangfire's defaults read and write process-wide statics (JobStorage.Current, JobActivator.Current):
        // with two hosts in one process (the tests start several) the last one configured would win. So the
        // storage and the activator are this host's own singletons, registered before AddHangfire.
        builder.Services.AddSingleton<JobStorage>(services => new PostgreSqlStorage(
            // Its long polling LISTENs: the session data source, straight to PostgreSQL when a transaction pooler is in front.
            new DataSourceConnectionFactory(services.GetRequiredKeyedService<NpgsqlDataSource>(DatabaseRegistration.Session)),
            new PostgreSqlStorageOptions
            {
                SchemaName = HangfireSchemaInstaller.Schema,
                PrepareSchemaIfNecessary = false,
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = services.GetRequiredService<IOptions<JobsOptions>>().Value.InvisibilityTimeout,
                EnableLongPolling = true,
                QueuePollInterval = services.GetRequiredService<IOptions<JobsOptions>>().Value.QueuePollInterval,
            }));
        builder.Services.AddSingleton<JobActivator>(services =>
            new Hangfire.AspNetCore.AspNetCoreJobActivator(services.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddHangfire((services, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseLogProvider(new HostLogProvider(services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()))
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());

        if (runServer ?? options.RunServer)
        {
            builder.Services.AddHostedService<RecurringJobsRegistration>();
            builder.Services.AddHangfireServer((services, server) =>
            {
                server.WorkerCount = services.GetRequiredService<IOptions<JobsOptions>>().Value.WorkerCount;
                server.Queues = [RollupTrigger.Queue, "default"];
                server.SchedulePollingInterval = services.GetRequiredService<IOptions<JobsOptions>>().Value.SchedulePollingInterval;
            });
            builder.Services.AddHangfireServer((services, server) =>
            {
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:recomputes";
                server.WorkerCount = services.GetRequiredService<IOptions<JobsOptions>>().Value.RecomputeWorkerCount;
                server.Queues = [RecomputeRequests.Queue];
            });
            builder.Services.AddHangfireServer((services, server) =>
            {
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:upstream";
                server.WorkerCount = services.GetRequiredService<IOptions<JobsOptions>>().Value.UpstreamWorkerCount;
                server.Queues = [UpstreamSubmissionJob.Queue];
            });
            // Every process that serves the rollups queue serves the overflow one too: a rollup the trigger
            // sends there is never left without a worker.
            builder.Services.AddHangfireServer((services, server) =>
            {
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:rollups-bulk";
                server.WorkerCount = services.GetRequiredService<IOptions<JobsOptions>>().Value.BulkWorkerCount;
                server.Queues = [RollupTrigger.BulkQueue];
            });
        }

        builder.Services.AddSingleton<RollupTrigger>();
        builder.Services.AddSingleton<RecomputeRequests>();
        builder.Services.AddSingleton<IFiguresObserver>(services => services.GetRequiredService<RollupTrigger>());
        builder.Services.AddSingleton<FigureAnnouncer>();
        builder.Services.AddSingleton<IFiguresObserver>(services => services.GetRequiredService<FigureAnnouncer>());
        builder.Services.AddHostedService(services => services.GetRequiredService<FigureAnnouncer>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TreeChanges>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TreeChanges>());
        builder.Services.AddTransient<RollupJob>();
        builder.Services.AddTransient<RollupSweep>();
        builder.Services.AddUpstream();
        return builder;
    }
}
