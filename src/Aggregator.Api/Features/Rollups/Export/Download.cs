using System.Text;
using Microsoft.Net.Http.Headers;

namespace Aggregator.Api.Features.Rollups.Export;

/// <summary>Sends a file as an attachment: an ASCII file name for old clients and the Chinese one as filename*.</summary>
public static class Download
{
    public static async Task SendAsync(HttpContext context, byte[] content, string contentType, StoredRollup rollup, string extension, CancellationToken ct)
    {
        var disposition = new ContentDispositionHeaderValue("attachment")
        {
            FileName = $"rollup-{Ascii(rollup.OrgUnit)}-{rollup.Year}.{extension}",
            FileNameStar = $"{rollup.Name}{rollup.Year}年汇总表.{extension}",
        };
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = content.Length;
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.CacheControl = "private, no-store";
        await response.Body.WriteAsync(content, ct);
    }

    private static string Ascii(string code)
    {
        var safe = new StringBuilder(code.Length);
        foreach (var c in code) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        return safe.ToString();
    }
}
