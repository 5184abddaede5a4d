namespace Aggregator.Api.Features.Reports.Storing;

public static class StoredAnswers
{
    /// <summary>Sends a stored answer byte for byte, so a replayed retry reads exactly like the first answer.</summary>
    public static async Task SendAsync(HttpContext context, StoredAnswer answer, CancellationToken ct)
    {
        var response = context.Response;
        response.StatusCode = answer.Status;
        if (answer.Location is not null) response.Headers.Location = answer.Location;
        if (answer.ETag is not null) response.Headers.ETag = answer.ETag;
        response.ContentType = "application/json; charset=utf-8";
        await response.WriteAsync(answer.Body, ct);
    }
}
