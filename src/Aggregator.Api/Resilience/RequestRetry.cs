using Aggregator.Data.Resilience;
using Microsoft.AspNetCore.Http.Features;

namespace Aggregator.Api.Resilience;

/// <summary>
/// The retry boundary of the API: the endpoint — binding, checks and every transaction of its handler — is run
/// again, whole, on fresh transactions, after a transient database fault (a restart, a dropped connection, a
/// deadlock), as long as nothing of the request can be stored yet (its <see cref="CommitJournal"/>) and no byte
/// of the answer has been sent. So a retry never stores twice: a fault before COMMIT rolled everything back;
/// a request that committed, or whose COMMIT broke off unanswered, is not repeated here but answered 503, and
/// the client's own retry with the same Idempotency-Key is answered from what was recorded with the version.
/// </summary>
internal sealed class RequestRetry(RequestDelegate next, DatabaseRetry retry)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        var journal = CommitJournal.Start();
        context.Features.Set(journal);
        var attempt = 0;
        await retry.ExecuteAsync(async _ =>
        {
            if (attempt++ > 0) context.Response.Clear();
            // A fresh stream each time: the endpoint reads the body from its start, through a reader of its own.
            if (body is not null) context.Request.Body = new MemoryStream(body, writable: false);
            await next(context);
        }, context.RequestAborted, mayRepeat: _ => journal.NothingStored && !context.Response.HasStarted);
    }

    /// <summary>
    /// The request body, kept so that a second attempt can read it again (at most the 1 MiB Kestrel lets in);
    /// null when there is none, or when it was read as a form already (the form stays with the request).
    /// </summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (context.Features.Get<IFormFeature>()?.Form is not null) return null;
        if (request.ContentLength is null or 0 && !request.Headers.TransferEncoding.Any(value => value?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true))
            return null;
        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, context.RequestAborted);
        return copy.ToArray();
    }
}
