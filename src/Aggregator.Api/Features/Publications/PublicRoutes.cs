using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Auth;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Limits;
using Aggregator.Api.OpenApi;
using Microsoft.Net.Http.Headers;

namespace Aggregator.Api.Features.Publications;

/// <summary>
/// The key-less reads of published editions, under <see cref="PublicRead.Prefix"/>:
/// <c>/{tenant}</c> (the editions), <c>/{tenant}/{year}</c> (the latest edition as JSON), <c>/{tenant}/{year}.csv</c> and
/// <c>.xlsx</c> (its official table), <c>/{tenant}/{year}.docx</c> (the annual report written from the edition's figures,
/// never from the live rollup), <c>/{tenant}/{year}/editions/{n}</c>.
/// Every answer may be kept by any cache for five minutes and carries a strong ETag (If-None-Match → 304) and
/// <c>Access-Control-Allow-Origin: *</c> (set for the whole prefix by <see cref="SecurityHeaders"/>).
/// </summary>
public static class PublicRoutes
{
    public const string CacheControl = "public, max-age=300";

    public static string EditionPath(string tenant, int year, int edition) =>
        $"{PublicRead.Prefix}/{Uri.EscapeDataString(tenant)}/{year}/editions/{edition}";

    /// <summary>What every public read declares: no key, the public rate limit per address, a 304 to If-None-Match.</summary>
    public static RouteHandlerBuilder PublicReadOf(this RouteHandlerBuilder builder) =>
        builder.WithTags("Public").WithMetadata(PublicRead.Instance).RequireRateLimiting(RateLimits.PublicPolicy).Produces(304)
            .AcceptsHeader("If-None-Match", "An ETag the client holds: 304 while the answer is the same.");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string Build = typeof(PublicRoutes).Assembly.ManifestModule.ModuleVersionId.ToString();

    /// <summary>JSON, tagged by its bytes.</summary>
    public static Task SendJsonAsync<T>(HttpContext context, T answer, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(answer, Json);
        return SendAsync(context, Tag(body), () => body, "application/json; charset=utf-8", null, ct);
    }

    /// <summary>
    /// A file made from an immutable edition: tagged by what it is made of (the edition, the format and this build), since
    /// a workbook's bytes carry the time it was written; built only when the client does not hold it already. The file's
    /// Chinese name is <c>title</c> (the edition's statistics table when null) with the edition's number.
    /// </summary>
    public static Task SendFileAsync(HttpContext context, EditionRow edition, string extension, Func<byte[]> build, string contentType, CancellationToken ct,
        string? title = null)
    {
        var tag = Tag(Encoding.UTF8.GetBytes(string.Join('\n', Build, extension, edition.Tenant, edition.TenantName, edition.Year, edition.Edition)));
        var disposition = new ContentDispositionHeaderValue("attachment")
        {
            FileName = $"{Rollups.Export.Download.Ascii(edition.Tenant)}-{edition.Year}-edition{edition.Edition}.{extension}",
            FileNameStar = $"{title ?? $"{edition.OrgUnitName}{edition.Year}年政府信息公开情况统计表"}（第{edition.Edition}版）.{extension}",
        }.ToString();
        return SendAsync(context, tag, build, contentType, disposition, ct);
    }

    private static async Task SendAsync(HttpContext context, EntityTagHeaderValue tag, Func<byte[]> body, string contentType, string? disposition,
        CancellationToken ct)
    {
        var response = context.Response;
        response.Headers.CacheControl = CacheControl;
        if (ConditionalGet.IsNotModified(context, tag.ToString()))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            // Started, so that FastEndpoints adds no answer of its own.
            await response.StartAsync(ct);
            return;
        }
        var bytes = body();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        if (disposition is not null) response.Headers.ContentDisposition = disposition;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, ct);
    }

    private static EntityTagHeaderValue Tag(byte[] content) =>
        new($"\"{Convert.ToBase64String(SHA256.HashData(content), 0, 18).Replace('+', '-').Replace('/', '_')}\"");
}
