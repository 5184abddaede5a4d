using Microsoft.Net.Http.Headers;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>If-None-Match, read once for every GET that answers an ETag, through the framework's typed headers.</summary>
public static class ConditionalGet
{
    /// <summary>Sets the ETag and says whether the client's copy is current (If-None-Match), for a 304.</summary>
    public static bool IsNotModified(HttpContext context, string etag)
    {
        context.Response.Headers.ETag = etag;
        return Matches(context.Request, etag);
    }

    /// <summary>
    /// Whether If-None-Match names <paramref name="etag"/> or is <c>*</c>. It compares weakly (RFC 9110 §13.1.2): a proxy
    /// that compressed the answer may have turned the tag into W/"…", and the copy is still current. A header that does
    /// not parse matches nothing (the full answer is sent).
    /// </summary>
    public static bool Matches(HttpRequest request, string etag)
    {
        if (request.Headers.IfNoneMatch.Count == 0) return false;
        IList<EntityTagHeaderValue> candidates;
        try
        {
            candidates = request.GetTypedHeaders().IfNoneMatch;
        }
        catch (FormatException)
        {
            return false;
        }
        if (candidates.Count == 0 || !EntityTagHeaderValue.TryParse(etag, out var current)) return false;
        return candidates.Any(candidate => candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(current, useStrongComparison: false));
    }
}
