using System.Security.Cryptography;
using System.Text.Json;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Rollups.Export;
using Microsoft.Net.Http.Headers;

namespace Aggregator.Api.Features.Shared;

/// <summary>
/// How every read of figures answers, for dashboards that poll: the body is written once, its strong ETag is a
/// digest of those exact bytes, <c>Cache-Control: private, max-age=0, must-revalidate</c>, and
/// <c>If-None-Match</c> with that tag answers 304 without a body. The bytes carry the figures' generation
/// (computedAt and stale, or the figures themselves), so the tag changes exactly when the figures, their
/// staleness or the way they are written change. Reads that can also be a table answer CSV when the client's
/// Accept prefers <c>text/csv</c> (UTF-8 with a byte-order mark, as the rollup's .csv download).
/// </summary>
/// <remarks>
/// The stored rollup (GET …/rollups/{year}) goes further and skips the read itself on a match, from the
/// generation in rollup_state (<see cref="Rollups.Get.RollupAnswers"/>); the other reads compute their answer and
/// save the client the transfer and the parsing.
/// </remarks>
public sealed class FigureAnswers
{
    public const string CacheControl = "private, max-age=0, must-revalidate";
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string IfNoneMatchDoc = "An ETag the client holds: 304 while the answer would be the same bytes.";

    private JsonSerializerOptions json = JsonSerializerOptions.Web;

    /// <summary>The options every other answer is written with (FastEndpoints' serializer), set once at start-up.</summary>
    public void UseJson(JsonSerializerOptions options) => json = options;

    /// <summary>Answers <paramref name="answer"/> as JSON, or as CSV when the client prefers it and <paramref name="csv"/> is given.</summary>
    public async Task SendAsync<T>(HttpContext http, T answer, Func<T, Sheet>? csv, CancellationToken ct)
    {
        var asCsv = csv is not null && PrefersCsv(http.Request);
        var body = asCsv ? CsvTable.Write(csv!(answer)) : JsonSerializer.SerializeToUtf8Bytes(answer, json);
        var contentType = asCsv ? CsvTable.ContentType : JsonContentType;

        var response = http.Response;
        response.Headers.CacheControl = CacheControl;
        // Appended: CORS may have added Origin already.
        if (csv is not null) response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
        // The format is part of the tag: a JSON copy must never revalidate a CSV one.
        var etag = $"\"{(asCsv ? "c" : "j")}{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"";
        if (ConditionalGet.IsNotModified(http, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            // Started, so that the endpoint's pipeline sees an answer sent and adds none of its own (FastEndpoints sends 204 otherwise).
            await response.StartAsync(ct);
            return;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, ct);
    }

    /// <summary>
    /// True when Accept ranks text/csv above application/json (quality first, then the order given); a client that
    /// names neither, or only */*, gets JSON.
    /// </summary>
    public static bool PrefersCsv(HttpRequest request) =>
        RanksFirst(request, type => type.Equals("text/csv", StringComparison.OrdinalIgnoreCase),
            type => type.Equals("application/json", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// True when the first media type of Accept (quality first, then the order given) that is either kind is of the
    /// wanted kind; false when it is of the other kind, or when Accept names neither.
    /// </summary>
    public static bool RanksFirst(HttpRequest request, Func<string, bool> wanted, Func<string, bool> other)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)) return false;
        var ranked = accepted
            .Select((type, order) => (Type: type, Order: order, Quality: type.Quality ?? 1.0))
            .Where(entry => entry.Quality > 0)
            .OrderByDescending(entry => entry.Quality).ThenBy(entry => entry.Order);
        foreach (var (type, _, _) in ranked)
        {
            var mediaType = type.MediaType.ToString();
            if (wanted(mediaType)) return true;
            if (other(mediaType)) return false;
        }
        return false;
    }
}
