using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Data.Resilience;

public static class DatabaseRetryRegistration
{
    /// <summary>The process's <see cref="DatabaseRetry"/>, configured from Aggregator:Database.</summary>
    public static IHostApplicationBuilder AddDatabaseRetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseRetryOptions>().BindConfiguration(DatabaseRetryOptions.Section)
            .Validate(o => o.RetryAttempts is >= 0 and <= 20, "Aggregator:Database:RetryAttempts must be between 0 and 20.")
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero && o.RetryBaseDelay <= o.RetryMaxDelay,
                "Aggregator:Database:RetryBaseDelay must be positive and at most Aggregator:Database:RetryMaxDelay.")
            .Validate(o => o.RetryMaxDelay <= TimeSpan.FromMinutes(1), "Aggregator:Database:RetryMaxDelay must be at most 00:01:00.")
            .Validate(o => o.RetryAfter >= TimeSpan.FromSeconds(1) && o.RetryAfter <= TimeSpan.FromHours(1),
                "Aggregator:Database:RetryAfter must be between 00:00:01 and 01:00:00.")
            .ValidateOnStart();
        builder.Services.AddSingleton<DatabaseRetry>();
        return builder;
    }
}
