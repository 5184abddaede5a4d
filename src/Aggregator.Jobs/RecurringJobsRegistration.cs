using Aggregator.Jobs.Rollups;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aggregator.Jobs;

/// <summary>Every recurring job, registered in one place at start-up.</summary>
internal sealed class RecurringJobsRegistration(IRecurringJobManager recurringJobs, IOptions<JobsOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurringJobs.AddOrUpdate<RollupSweep>(nameof(RollupSweep), job => job.ExecuteAsync(CancellationToken.None), options.Value.SweepCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
