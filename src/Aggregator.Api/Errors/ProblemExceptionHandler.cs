using Microsoft.AspNetCore.Diagnostics;
using Aggregator.Api.Resilience;
using Aggregator.Data.Resilience;
using Npgsql;

namespace Aggregator.Api.Errors;

/// <summary>
/// Turns exceptions into problem details: the client's own faults with their status, everything else
/// as a 500 that names the trace id and never the stack.
/// </summary>
public sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        switch (exception)
        {
            case ProblemException problem:
                if (problem.RetryAfterSeconds is { } seconds)
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ProblemWriter.WriteAsync(context, problem.Status, problem.Message, problem.Extensions, problem.Type);
                return true;
            case BadHttpRequestException bad:
                // Kestrel's own limits: 413 for a body over the limit, 400 for a malformed request.
                await ProblemWriter.WriteAsync(context, bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? Texts.ProblemText.BodyTooLarge()
                    : Texts.ProblemText.RequestUnreadable());
                return true;
            case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique:
                logger.LogInformation("Unique violation on {Constraint}", unique.ConstraintName);
                await ProblemWriter.WriteAsync(context, StatusCodes.Status409Conflict, Texts.ProblemText.AlreadyExists());
                return true;
            case not null when DatabaseFaults.IsUnavailable(exception):
                await Unavailable.WriteAsync(context, exception, logger);
                return true;
            default:
                logger.LogError(exception, "Unhandled exception on {Method} {Path}", context.Request.Method, context.Request.Path);
                await ProblemWriter.WriteAsync(context, StatusCodes.Status500InternalServerError,
                    Texts.ProblemText.ServerFailed());
                return true;
        }
    }
}
