using Aggregator.Api.Errors;
using Aggregator.Data.Resilience;
using System.Globalization;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Resilience;

/// <summary>
/// The 503 of a request the database could not serve — unreachable after every retry, read-only, out of disk or
/// other resources — with Retry-After (Aggregator:Database:RetryAfter), as problem details of type
/// <c>/problems/unavailable</c>. Nothing of the request was stored, except where the detail says a COMMIT
/// broke off unanswered.
/// </summary>
internal static class Unavailable
{
    public static async Task WriteAsync(HttpContext context, Exception fault, ILogger logger)
    {
        var retryAfter = context.RequestServices.GetRequiredService<DatabaseRetry>().RetryAfter;
        // A request not run as a retried unit of work met a lost connection: after a restart every idle connection of
        // the pool went the same way, so drop them now rather than answer one 503 per dead connection.
        if (DatabaseFaults.IsConnectionLost(fault)) context.RequestServices.GetRequiredService<Npgsql.NpgsqlDataSource>().Clear();
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        var outcomeUnknown = DatabaseFaults.IsOutcomeUnknown(fault);
        logger.LogWarning("Database unavailable on {Method} {Path}: {Fault}", context.Request.Method, context.Request.Path,
            fault.GetBaseException().Message);
        var detail = outcomeUnknown
            ? ProblemText.UnavailableOutcomeUnknown(seconds)
            : DatabaseFaults.RefusesWrites(fault)
                ? ProblemText.UnavailableReadOnly(seconds)
                : ProblemText.UnavailableUnreachable(seconds);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ProblemWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, detail, type: ProblemTypes.Unavailable);
    }
}
