using Aggregator.Jobs.Rollups;
using Aggregator.Jobs.Upstream;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aggregator.Jobs;

/// <summary>Every recurring job, registered in one place at start-up.</summary>
internal sealed class RecurringJobsRegistration(IRecurringJobManager recurringJobs, IOptions<JobsOptions> options, IOptions<UpstreamOptions> upstream)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurringJobs.AddOrUpdate<RollupSweep>(nameof(RollupSweep), job => job.ExecuteAsync(CancellationToken.None), options.Value.SweepCron);
        recurringJobs.AddOrUpdate<UpstreamStatusPoll>(nameof(UpstreamStatusPoll), UpstreamSubmissionJob.Queue,
            job => job.ExecuteAsync(CancellationToken.None), upstream.Value.StatusPollCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
