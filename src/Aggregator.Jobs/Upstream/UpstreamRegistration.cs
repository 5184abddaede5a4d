using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Aggregator.Jobs.Upstream;

public static class UpstreamRegistration
{
    /// <summary>
    /// What handing a year up needs in every host that runs its job or its endpoints: Data Protection over the database's
    /// key ring, the upstream HttpClient with retries (Microsoft.Extensions.Http.Resilience), the client and the job.
    /// </summary>
    public static IServiceCollection AddUpstream(this IServiceCollection services)
    {
        services.AddOptions<UpstreamOptions>().BindConfiguration(UpstreamOptions.Section)
            .Validate(o => o.SelfUrl is null || o.SelfUrl.IsAbsoluteUri && o.SelfUrl.Scheme is "http" or "https",
                "Aggregator:Upstream:SelfUrl must be an absolute http(s) URL.")
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero && o.TotalTimeout >= o.AttemptTimeout,
                "Aggregator:Upstream:AttemptTimeout must be positive and at most TotalTimeout.")
            .Validate(o => o.Retries is >= 0 and <= 10, "Aggregator:Upstream:Retries must be between 0 and 10.")
            .Validate(o => o.AllowedUrls is not null && UpstreamUrls.AreValid(o.AllowedUrls),
                "Aggregator:Upstream:AllowedUrls must list absolute http(s) base URLs (or host names) without user info, query or fragment.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.StatusPollCron), "Aggregator:Upstream:StatusPollCron must be a cron expression.")
            .ValidateOnStart();

        services.AddDataProtection().SetApplicationName("Aggregator");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = new DatabaseXmlRepository(provider.GetRequiredService<NpgsqlDataSource>())));

        services.AddHttpClient(UpstreamClient.HttpClientName)
            // A redirect would take the key to an address the allow-list never saw: a 3xx is upstream's answer, not followed.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            // An answer is a report version or a problem (kilobytes): an upstream sending more is refused, not buffered.
            .ConfigureHttpClient(client => client.MaxResponseContentBufferSize = MaxAnswerBytes)
            // The key travels in a header: no header value is ever logged, at any level.
            .RedactLoggedHeaders(_ => true)
            .AddResilienceHandler("upstream", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<UpstreamOptions>>().Value;
                pipeline.AddTimeout(options.TotalTimeout);
                // Every method, POST included: a hand-up carries an Idempotency-Key, so a retry is answered, not stored twice.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(options.Retries, 1),
                    ShouldHandle = options.Retries == 0 ? _ => ValueTask.FromResult(false) : TransientOrInFlight,
                    Delay = options.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
                pipeline.AddTimeout(options.AttemptTimeout);
            });
        services.AddSingleton<UpstreamKeys>();
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<UpstreamReviews>();
        services.AddTransient<UpstreamSubmissionJob>();
        services.AddTransient<UpstreamStatusPoll>();
        return services;
    }

    /// <summary>The largest answer read from upstream.</summary>
    public const int MaxAnswerBytes = 4 * 1024 * 1024;

    private static readonly Func<RetryPredicateArguments<HttpResponseMessage>, ValueTask<bool>> Transient = new HttpRetryStrategyOptions().ShouldHandle;

    /// <summary>
    /// What the standard pipeline retries (5xx, 408, 429, a failed connection, a timeout), and a 409 with Retry-After: upstream
    /// still answering the same Idempotency-Key for a hand-up of the same generation sent a moment earlier.
    /// </summary>
    private static async ValueTask<bool> TransientOrInFlight(RetryPredicateArguments<HttpResponseMessage> args) =>
        await Transient(args)
        || args.Outcome.Result is { StatusCode: System.Net.HttpStatusCode.Conflict } response && response.Headers.RetryAfter is not null;
}
