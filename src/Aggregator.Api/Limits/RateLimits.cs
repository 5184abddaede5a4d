using System.Globalization;
using System.Threading.RateLimiting;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Microsoft.AspNetCore.RateLimiting;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Limits;

/// <summary>
/// Per-key rate limits with ASP.NET Core's rate limiter: a token bucket per API key (per remote address for a
/// request without a valid key) that holds a minute's permits and refills them evenly over the minute, a bucket
/// per org unit that all its keys share, and for imports and recomputes a second, stricter bucket per key. A refused request is a 429 problem with Retry-After.
/// Health probes and metrics scrapes are never limited: an orchestrator must always see the process.
/// </summary>
public static class RateLimits
{
    /// <summary>The policy of the endpoints whose every call queues a job over a whole tenant's year.</summary>
    public const string StrictPolicy = "strict";

    /// <summary>The policy of the key-less public reads (/public/v1): a bucket per client address.</summary>
    public const string PublicPolicy = "public";

    /// <summary>The partitioner of <paramref name="permitsPerMinute"/> per caller; no limiter at all when it is 0.</summary>
    public static RateLimitPartition<string> PerCaller(HttpContext context, string bucket, int permitsPerMinute)
    {
        if (permitsPerMinute == 0 || Telemetry.ApiTelemetry.IsProbe(context.Request.Path))
            return RateLimitPartition.GetNoLimiter("");
        return RateLimitPartition.GetTokenBucketLimiter($"{bucket}|{CallerOf(context)}", _ => Bucket(permitsPerMinute));
    }

    /// <summary>The partitioner of <paramref name="permitsPerMinute"/> per client address, whatever key the request carries.</summary>
    public static RateLimitPartition<string> PerAddress(HttpContext context, string bucket, int permitsPerMinute) =>
        permitsPerMinute == 0
            ? RateLimitPartition.GetNoLimiter("")
            : RateLimitPartition.GetTokenBucketLimiter($"{bucket}|ip:{context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}",
                _ => Bucket(permitsPerMinute));

    /// <summary>
    /// All keys of one org unit together, in a bucket of the unit's own (tenant and unit, from the authenticated
    /// key): a unit that floods spends its own permits only, never its district's, its siblings' or the root's. No
    /// limiter for the platform admin, requests without a valid key (limited by address above), health probes and
    /// scrapes, or when <paramref name="permitsPerMinute"/> is 0.
    /// </summary>
    public static RateLimitPartition<string> PerUnit(HttpContext context, int permitsPerMinute)
    {
        if (permitsPerMinute == 0 || Telemetry.ApiTelemetry.IsProbe(context.Request.Path)
            || context.User.Identity?.IsAuthenticated != true
            || Caller.Of(context) is not { TenantId: { } tenant, OrgUnitId: { } unit })
            return RateLimitPartition.GetNoLimiter("");
        return RateLimitPartition.GetTokenBucketLimiter(
            $"unit|{tenant}|{unit.ToString(CultureInfo.InvariantCulture)}", _ => Bucket(permitsPerMinute));
    }

    /// <summary>
    /// The authenticated key's id (never the key itself), so that one key's burst does not spend another's
    /// permits; otherwise the remote address, so that guessing keys is limited too.
    /// </summary>
    private static string CallerOf(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
            ? "key:" + Caller.Of(context).KeyId
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>
    /// A minute's permits at once, refilled evenly. The rate limiter replenishes every 100 ms at the finest,
    /// so a high rate refills several tokens a period rather than one token more often.
    /// </summary>
    public static TokenBucketRateLimiterOptions Bucket(int permitsPerMinute)
    {
        var tokensPerPeriod = (permitsPerMinute + 599) / 600;
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = permitsPerMinute,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) * tokensPerPeriod / permitsPerMinute,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    /// <summary>429 problem+json, with Retry-After in whole seconds (at least 1) from the bucket that refused.</summary>
    public static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        var context = rejected.HttpContext;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var strict = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == StrictPolicy
            ? ProblemText.RateLimitedStrict()
            : "";
        await ProblemWriter.WriteAsync(context, StatusCodes.Status429TooManyRequests,
            context.User.Identity?.IsAuthenticated == true
                ? ProblemText.RateLimitedKey(strict, seconds)
                : ProblemText.RateLimitedAddress(strict, seconds),
            type: ProblemTypes.RateLimited);
    }
}
