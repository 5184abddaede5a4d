using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Domain.Templates;
using Microsoft.Extensions.Caching.Memory;

namespace Aggregator.Api.Features.Rollups.Get;

/// <summary>
/// What the stored figures of a (tenant, year) are, as far as an answer made of them can tell: the job run that
/// wrote them and whether versions exist that they do not include. A run replaces rollup_values and
/// rollup_completeness in the transaction that bumps rollup_state.runs and sets computed_at (the job's
/// FinishAsync), and nothing else writes them, so equal runs and computed_at mean equal rows; runs alone
/// never repeats, computed_at keeps a restored or re-created database from reusing a tag. Stale is part of
/// the answer, so it is part of the generation: it turns true when a change arrives (a figure_changes row, or a
/// seq past the watermark) and false when a run includes it.
/// </summary>
public readonly record struct FiguresGeneration(long Runs, DateTime ComputedAt, string Template, bool Stale);

/// <summary>
/// Rollup answers serialized once and kept by what they are made of, so a read whose figures have not moved
/// costs the scope check and the generation read (one statement) and a copy of bytes. Bounded: sizes are the
/// bytes of the bodies, and an answer not read for a while is dropped (older generations are never read again).
/// </summary>
public sealed class RollupAnswers(TemplateCatalog catalog) : IDisposable
{
    public const long SizeLimitBytes = 64L * 1024 * 1024;
    private static readonly TimeSpan Unread = TimeSpan.FromMinutes(10);

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = SizeLimitBytes });
    private readonly ConcurrentDictionary<string, string> representations = new(StringComparer.Ordinal);
    private JsonSerializerOptions json = JsonSerializerOptions.Web;

    private readonly record struct Key(Guid Tenant, int Year, long OrgUnitId, FiguresGeneration Generation);

    /// <summary>The options every other answer is written with (FastEndpoints' serializer), set once at start-up.</summary>
    public void UseJson(JsonSerializerOptions options) => json = options;

    /// <summary>
    /// The strong ETag of a unit's answer: a digest of the generation and the unit, and a fingerprint of how the answer
    /// is written (this build, and the template's indicators in their order), so a deploy never reuses a tag. A digest,
    /// not the parts: the unit's internal id and the run counter are no business of the client's.
    /// </summary>
    public string ETagOf(Guid tenant, int year, long orgUnitId, FiguresGeneration generation) =>
        "\"r" + ETags.Digest(string.Create(CultureInfo.InvariantCulture,
            $"rollup\n{tenant}\n{year}\n{orgUnitId}\n{generation.Runs}\n{generation.ComputedAt.Ticks}\n{generation.Stale}\n{RepresentationOf(generation.Template)}")) + "\"";

    public byte[]? Find(Guid tenant, int year, long orgUnitId, FiguresGeneration generation) =>
        cache.TryGetValue(new Key(tenant, year, orgUnitId, generation), out byte[]? body) ? body : null;

    /// <summary>Serializes the answer and keeps it under the generation it was read at (same snapshot).</summary>
    public byte[] Add(Guid tenant, int year, long orgUnitId, FiguresGeneration generation, Response answer)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(answer, json);
        cache.Set(new Key(tenant, year, orgUnitId, generation), body,
            new MemoryCacheEntryOptions { Size = body.Length, SlidingExpiration = Unread });
        return body;
    }

    private string RepresentationOf(string template) =>
        representations.GetOrAdd(template, code =>
        {
            var indicators = catalog.Find(code)?.Indicators.Select(i => $"{i.Code}:{i.Aggregate}") ?? [];
            var text = $"{typeof(RollupAnswers).Assembly.ManifestModule.ModuleVersionId}\n{code}\n{string.Join('\n', indicators)}";
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
        });

    public void Dispose() => cache.Dispose();
}
