using Aggregator.Api.Errors;
using Aggregator.Data.Resilience;
using System.Globalization;

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
            ? "The connection to the database broke off while this change was being committed: it may or may not have been stored. " +
              $"Send the same request again with the same Idempotency-Key in {seconds} s to be told which."
            : DatabaseFaults.RefusesWrites(fault)
                ? $"The database takes no changes at the moment (read-only or out of disk space); nothing was stored. Reads still work. Try again in {seconds} s."
                : $"The database cannot be reached at the moment; nothing was stored. Try again in {seconds} s.";
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ProblemWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, detail, type: ProblemTypes.Unavailable);
    }
}
