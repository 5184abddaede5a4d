using System.Text;
using Aggregator.Api.Features.Shared;
using Microsoft.Net.Http.Headers;

namespace Aggregator.Api.Features.Rollups.Export;

/// <summary>A file as an attachment: an ASCII file name for old clients and the Chinese one as filename*.</summary>
public static class Download
{
    /// <summary>Not kept by the client: a download is asked for again (If-None-Match with its ETag still answers 304).</summary>
    public const string CacheControl = "private, no-store";

    /// <summary>The Content-Disposition of a rollup's file.</summary>
    public static string Disposition(StoredRollup rollup, string extension) =>
        new ContentDispositionHeaderValue("attachment")
        {
            FileName = $"rollup-{Ascii(rollup.OrgUnit)}-{rollup.Year}.{extension}",
            FileNameStar = $"{rollup.Name}{rollup.Year}年汇总表.{extension}",
        }.ToString();

    /// <summary>Sends the file through <see cref="FigureAnswers"/>: an ETag from the figures' generations, kept in memory.</summary>
    public static Task SendAsync(FigureAnswers answers, HttpContext context, FigureRead read, byte[] content, string contentType,
        StoredRollup rollup, string extension, CancellationToken ct) =>
        answers.SendBytesAsync(context, read, content, contentType, cacheControl: CacheControl, disposition: Disposition(rollup, extension), ct: ct);

    /// <summary>A code as the ASCII part of a file name (for clients that do not read filename*): anything else becomes _.</summary>
    public static string Ascii(string code)
    {
        var safe = new StringBuilder(code.Length);
        foreach (var c in code) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        return safe.ToString();
    }
}
