using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Auth;
using Aggregator.Api.Generations;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Rollups.Export;
using Aggregator.Domain.Templates;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Aggregator.Api.Features.Shared;

/// <summary>
/// What one figure read is, as far as its answer can tell, taken before the read: the key its answer is made of and
/// its ETag, the key's digest, under which the answer is kept in memory. Null key and tag while this replica has not loaded the generations yet (the tag is then the body's digest).
/// <see cref="Moves"/> changes when the generations the key holds move: the answer kept under it is then dropped.
/// </summary>
public sealed record FigureRead(string? Key, string? ETag, bool AsCsv, IChangeToken? Moves = null);

/// <summary>
/// How every read of figures answers, for dashboards that poll. The ETag is a digest of what decides the answer: the
/// generations of the years it is made of (<see cref="FigureGenerations"/>, in memory), the caller's scope, the
/// path and query, the representation and this build. So a client's copy is revalidated (304), and an unchanged
/// answer is sent again (200), from memory, without the database: only the access check (from the key cache) runs.
/// <c>Cache-Control: private, max-age=0, must-revalidate</c>. Reads that can also be a table answer CSV when the
/// client's Accept prefers <c>text/csv</c> (UTF-8 with a byte-order mark, as the rollup's .csv download).
/// </summary>
/// <remarks>
/// An answer is found in memory only under the key it was stored with after a full read, which ran the scope check
/// of that caller's scope in the database: a key of another tenant or of a unit below never meets it (the tenant,
/// the caller's unit and role are in the key). It is kept under the key's digest, its ETag (128 bits of SHA-256, the
/// same trust a 304 puts in it), not the key's 200-odd characters. The generations are taken before the read, so what
/// is kept under them is at least that new; a change moves them, and the old answer is never found again: it is dropped from memory
/// when this replica hears of the change (<see cref="FigureGenerations.MovesOf"/>), not kept until unread for ten minutes.
/// <para>
/// JSON and CSV answers are kept gzip-compressed: a rollup's 9 kB of JSON takes about 2 kB, so the cache holds several
/// times the answers in the same memory, and the heap has that much less to carry until the answers it drops are collected.
/// A client whose Accept-Encoding takes gzip (every browser) gets those bytes as they are, with
/// <c>Content-Encoding: gzip</c> and an ETag of their own (<c>z</c> and the digest of the key and "gzip"); any other
/// client gets them decompressed. Both vary by Accept-Encoding.
/// </para>
/// </remarks>
public sealed class FigureAnswers : IDisposable
{
    public const string CacheControl = "private, max-age=0, must-revalidate";
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string IfNoneMatchDoc = "An ETag the client holds: 304 while the answer would be the same bytes.";

    private static readonly TimeSpan Unread = TimeSpan.FromMinutes(10);

    /// <summary>Bodies smaller than this are kept as they are: gzip's header and trailer would take what it saves.</summary>
    private const int CompressedFrom = 1024;

    /// <summary>
    /// An answer: its body gzip-compressed when <see cref="GzipETag"/> is set, the tag those bytes go out under (then
    /// <see cref="Length"/> is the body's size unpacked).
    /// </summary>
    private sealed record Entry(byte[] Body, string? GzipETag, int Length, string ContentType, string CacheControl, string? Disposition, bool VariesByAccept)
    {
        public bool Gzipped => GzipETag is not null;
    }

    private readonly FigureGenerations _generations;
    private readonly MemoryCache _cache;
    private readonly long _limit;
    private readonly Lazy<string> _build;
    private JsonSerializerOptions _json = JsonSerializerOptions.Web;

    public FigureAnswers(FigureGenerations generations, IOptions<AnswerCacheOptions> options, TemplateCatalog catalog)
    {
        _generations = generations;
        _limit = options.Value.MaxMegabytes * 1024L * 1024L;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = _limit, CompactionPercentage = 0.25 });
        _build = new Lazy<string>(() => Fingerprint(catalog));
    }

    /// <summary>The options every other answer is written with (FastEndpoints' serializer), set once at start-up.</summary>
    public void UseJson(JsonSerializerOptions options) => _json = options;

    /// <summary>
    /// The read of a caller: <paramref name="years"/> are the years whose figures make the answer (null: any year of
    /// the tenant); <paramref name="csv"/> when the read can answer CSV.
    /// </summary>
    public FigureRead Begin(HttpContext http, RequestAccess access, IReadOnlyCollection<int>? years, bool csv = false)
    {
        var (caller, tenantId) = access;
        var asCsv = csv && PrefersCsv(http.Request);
        var moves = _generations.MovesOf(tenantId, years); // before the generations: a move in between drops the answer at once
        var token = years is null ? _generations.TokenOfTenant(tenantId) : _generations.TokenOf(tenantId, years);
        if (token is null) return new FigureRead(null, null, asCsv);
        var key = string.Join('\n', tenantId.ToString(), token, caller.Role,
            caller.OrgUnitId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", caller.OrgUnitPath ?? "", access.TimeZone.Id,
            http.Request.Path.Value ?? "", http.Request.QueryString.Value ?? "", asCsv ? "csv" : "json", _build.Value);
        return new FigureRead(key, $"\"g{ETags.Digest(key)}\"", asCsv, moves);
    }

    /// <summary>Whether the answer of <paramref name="read"/> is kept in memory (tests).</summary>
    internal bool Holds(FigureRead read) => read.Key is not null && _cache.TryGetValue(read.ETag!, out _);

    /// <summary>Answers from memory (304 or 200) when this caller's answer at these generations is kept; false otherwise.</summary>
    public async Task<bool> TryAnswerFromMemoryAsync(HttpContext http, FigureRead read, CancellationToken ct)
    {
        if (read.Key is null || !_cache.TryGetValue(read.ETag!, out Entry? entry) || entry is null) return false;
        await WriteAsync(http, read.ETag!, entry, unpacked: null, ct);
        return true;
    }

    /// <summary>Answers <paramref name="answer"/> as JSON, or as CSV when the read asked for it and <paramref name="csv"/> is given.</summary>
    public Task SendAsync<T>(HttpContext http, FigureRead read, T answer, Func<T, Sheet>? csv, CancellationToken ct)
    {
        var asCsv = read.AsCsv && csv is not null;
        var body = asCsv ? CsvTable.Write(csv!(answer)) : JsonSerializer.SerializeToUtf8Bytes(answer, _json);
        return SendBytesAsync(http, read, body, asCsv ? CsvTable.ContentType : JsonContentType, variesByAccept: csv is not null, ct: ct);
    }

    /// <summary>Answers bytes already written (a rollup, a download), keeping them under the read's key.</summary>
    public async Task SendBytesAsync(HttpContext http, FigureRead read, byte[] body, string contentType, bool variesByAccept = false,
        string cacheControl = CacheControl, string? disposition = null, CancellationToken ct = default)
    {
        var etag = read.ETag ?? $"\"{(contentType == JsonContentType ? "j" : "c")}{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"";
        // Compressed only where it may be kept (a read with a key): any other answer goes out as it is.
        var packed = read.Key is not null && Compressible(contentType, body) ? Gzip(body) : null;
        // Each coding of the answer its own tag (RFC 9110 §8.8.3): the gzip bytes are another representation.
        var entry = packed is not null && packed.Length < body.Length
            ? new Entry(packed, $"\"z{ETags.Digest(read.Key + "\ngzip")}\"", body.Length, contentType, cacheControl, disposition, variesByAccept)
            : new Entry(body, GzipETag: null, body.Length, contentType, cacheControl, disposition, variesByAccept);
        if (read.Key is not null)
        {
            var size = entry.Body.Length + read.ETag!.Length * 2L + 256;
            // An answer larger than a quarter of the cache would push out everything else: not kept.
            if (size <= _limit / 4)
            {
                var options = new MemoryCacheEntryOptions { Size = size, SlidingExpiration = Unread };
                if (read.Moves is { } moves) options.AddExpirationToken(moves);
                _cache.Set(read.ETag!, entry, options);
            }
        }
        await WriteAsync(http, etag, entry, unpacked: body, ct);
    }

    /// <summary>
    /// Sends <paramref name="entry"/>: its gzip bytes as they are to a client that takes gzip, else unpacked
    /// (<paramref name="unpacked"/> when the caller still holds the body, else decompressed into the response).
    /// </summary>
    private static async Task WriteAsync(HttpContext http, string etag, Entry entry, byte[]? unpacked, CancellationToken ct)
    {
        var response = http.Response;
        response.Headers.CacheControl = entry.CacheControl;
        // Appended: CORS may have added Origin already.
        if (entry.VariesByAccept) response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
        var asGzip = entry.Gzipped && TakesGzip(http.Request);
        if (entry.Gzipped) response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
        if (asGzip) etag = entry.GzipETag!;
        if (ConditionalGet.IsNotModified(http, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            // Started, so that the endpoint's pipeline sees an answer sent and adds none of its own (FastEndpoints sends 204 otherwise).
            await response.StartAsync(ct);
            return;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = entry.ContentType;
        if (entry.Disposition is { } disposition) response.Headers.ContentDisposition = disposition;
        if (asGzip) response.Headers.ContentEncoding = "gzip";
        if (!entry.Gzipped || asGzip) await WriteBytesAsync(entry.Body);
        else if (unpacked is not null) await WriteBytesAsync(unpacked);
        else
        {
            response.ContentLength = entry.Length;
            await using var gzip = new GZipStream(new MemoryStream(entry.Body, writable: false), CompressionMode.Decompress);
            await gzip.CopyToAsync(response.Body, ct);
        }

        async Task WriteBytesAsync(byte[] body)
        {
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, ct);
        }
    }

    /// <summary>JSON and CSV of a size worth it; a workbook or a document is a zip already.</summary>
    private static bool Compressible(string contentType, byte[] body) =>
        body.Length >= CompressedFrom && (contentType == JsonContentType || contentType == CsvTable.ContentType);

    private static byte[] Gzip(byte[] body)
    {
        using var packed = new MemoryStream(body.Length / 4);
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(body);
        return packed.ToArray();
    }

    /// <summary>Whether Accept-Encoding takes gzip: named with a quality above 0, or <c>*</c> with gzip not refused.</summary>
    private static bool TakesGzip(HttpRequest request)
    {
        if (request.Headers.AcceptEncoding.Count == 0
            || !StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptEncoding, out var codings)) return false;
        var gzip = codings.FirstOrDefault(coding => coding.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase));
        if (gzip is not null) return (gzip.Quality ?? 1) > 0;
        return codings.Any(coding => coding.Value.Equals("*", StringComparison.Ordinal) && (coding.Quality ?? 1) > 0);
    }

    /// <summary>This build and the templates' indicators: a deploy that writes answers otherwise never reuses a tag.</summary>
    private static string Fingerprint(TemplateCatalog catalog)
    {
        var text = new StringBuilder(typeof(FigureAnswers).Assembly.ManifestModule.ModuleVersionId.ToString());
        foreach (var template in catalog.All.OrderBy(t => t.Code, StringComparer.Ordinal))
        {
            text.Append('\n').Append(template.Code);
            foreach (var indicator in template.Indicators) text.Append(' ').Append(indicator.Code).Append(':').Append(indicator.Aggregate);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
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

    public void Dispose() => _cache.Dispose();
}
