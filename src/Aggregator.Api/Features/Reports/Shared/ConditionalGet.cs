namespace Aggregator.Api.Features.Reports.Shared;

public static class ConditionalGet
{
    /// <summary>Sets the ETag and says whether the client's copy is current (If-None-Match), for a 304.</summary>
    public static bool IsNotModified(HttpContext context, string etag)
    {
        context.Response.Headers.ETag = etag;
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        // If-None-Match compares weakly (RFC 9110 §13.1.2): a proxy that compressed the answer may have
        // turned the tag into W/"…", and the copy is still current.
        return ifNoneMatch.Length > 0 && ETags.ListContains(ifNoneMatch.Replace("W/", "", StringComparison.Ordinal), etag);
    }
}
