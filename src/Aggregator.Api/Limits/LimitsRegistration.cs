using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Aggregator.Api.Limits;

/// <summary>
/// What the API does against abuse: per-key and per-unit rate limits, a per-tenant limit of expensive reads running
/// at once, security headers and CORS for dashboards.
/// </summary>
public static class LimitsRegistration
{
    private const string DashboardCorsPolicy = "dashboards";

    /// <summary>The request headers a dashboard may send, and the answer headers its scripts may read.</summary>
    public static readonly string[] CorsRequestHeaders = ["X-Api-Key", "If-None-Match", "If-Match", "Idempotency-Key", "Content-Type"];
    public static readonly string[] CorsExposedHeaders = ["ETag", "Location", "Retry-After"];

    public static WebApplicationBuilder AddLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.PermitsPerMinute is >= 0 and <= RateLimitOptions.MostPerMinute,
                $"Aggregator:RateLimit:PermitsPerMinute must be between 0 (off) and {RateLimitOptions.MostPerMinute}.")
            .Validate(o => o.StrictPermitsPerMinute is >= 0 and <= RateLimitOptions.MostPerMinute,
                $"Aggregator:RateLimit:StrictPermitsPerMinute must be between 0 (off) and {RateLimitOptions.MostPerMinute}.")
            .Validate(o => o.PublicPermitsPerMinute is >= 0 and <= RateLimitOptions.MostPerMinute,
                $"Aggregator:RateLimit:PublicPermitsPerMinute must be between 0 (off) and {RateLimitOptions.MostPerMinute}.")
            .Validate(o => o.UnitPermitsPerMinute is >= 0 and <= RateLimitOptions.MostPerMinute,
                $"Aggregator:RateLimit:UnitPermitsPerMinute must be between 0 (off) and {RateLimitOptions.MostPerMinute}.")
            .Validate(o => o.ExpensiveConcurrency is >= 0 and <= RateLimitOptions.MostConcurrency,
                $"Aggregator:RateLimit:ExpensiveConcurrency must be between 0 (off) and {RateLimitOptions.MostConcurrency}.")
            .Validate(o => o.TenantPermitsPerMinute is null,
                "Aggregator:RateLimit:TenantPermitsPerMinute is gone: the keys of each org unit share a bucket of their own " +
                "(Aggregator:RateLimit:UnitPermitsPerMinute), so that no unit can spend its district's permits. Remove the setting.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddSingleton<ExpensiveReads>();
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, settings) =>
        {
            var limits = settings.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RateLimits.RejectAsync;
            // Each key's bucket, then its unit's: a request goes through only with a permit from both.
            var unitLimit = limits.PermitsPerMinute == 0 ? 0 : limits.UnitPermitsPerMinute;
            limiter.GlobalLimiter = System.Threading.RateLimiting.PartitionedRateLimiter.CreateChained(
                System.Threading.RateLimiting.PartitionedRateLimiter.Create<HttpContext, string>(
                    context => RateLimits.PerCaller(context, "all", limits.PermitsPerMinute)),
                System.Threading.RateLimiting.PartitionedRateLimiter.Create<HttpContext, string>(
                    context => RateLimits.PerUnit(context, unitLimit)));
            // Off with the general limit too: 0 turns every limit off.
            var strict = limits.PermitsPerMinute == 0 ? 0 : limits.StrictPermitsPerMinute;
            limiter.AddPolicy(RateLimits.StrictPolicy, context => RateLimits.PerCaller(context, RateLimits.StrictPolicy, strict));
            // Public reads need no key: each client address has a bucket of its own, whatever key it sends.
            var publicReads = limits.PermitsPerMinute == 0 ? 0 : limits.PublicPermitsPerMinute;
            limiter.AddPolicy(RateLimits.PublicPolicy, context => RateLimits.PerAddress(context, RateLimits.PublicPolicy, publicReads));
        });

        builder.Services.AddOptions<CorsOriginOptions>().BindConfiguration(CorsOriginOptions.Section)
            .Validate(o => !o.Malformed().Any(), "Aggregator:Cors:Origins must each be an origin such as https://dashboard.example.gov.cn " +
                "(http or https, host and port, no path and no wildcard).")
            .ValidateOnStart();
        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<CorsOriginOptions>>((cors, origins) => cors.AddPolicy(DashboardCorsPolicy, policy => policy
                .WithOrigins(origins.Value.Origins.Select(origin => origin.TrimEnd('/')).ToArray())
                .WithMethods("GET", "POST", "PUT", "DELETE")
                .WithHeaders(CorsRequestHeaders)
                .WithExposedHeaders(CorsExposedHeaders)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return builder;
    }

    /// <summary>
    /// Security headers and relative redirects on every answer, then CORS (a preflight is answered here, before any
    /// key is looked at) with <c>Vary: Origin</c>.
    /// </summary>
    public static WebApplication UseBrowserPolicies(this WebApplication app)
    {
        app.Use(SecurityHeaders.AddAsync);
        app.Use(RelativeRedirects.AddAsync);
        // No origins configured: no CORS middleware, so no answer carries any Access-Control header.
        if (app.Services.GetRequiredService<IOptions<CorsOriginOptions>>().Value.Origins.Length > 0)
        {
            // Before UseCors: its Vary is added as the answer starts, after the CORS middleware's own headers.
            app.Use(VaryByOrigin.AddAsync);
            app.UseCors(DashboardCorsPolicy);
        }
        return app;
    }

    /// <summary>The rate limits, after authentication: a request is counted against its key.</summary>
    public static WebApplication UseRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }
}
