using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Aggregator.Api.Auth;

/// <summary>Aggregator:Auth — how long this process trusts what it read about an API key.</summary>
public sealed class KeyCacheOptions
{
    public const string Section = "Aggregator:Auth";

    /// <summary>The longest a key's lookup is reused. Revocations evict at once through LISTEN/NOTIFY
    /// (<see cref="KeyRevocationListener"/>); this bounds how stale an entry can be while that listener is
    /// disconnected. Zero reads the database on every request.</summary>
    public TimeSpan KeyCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many keys this process remembers, and, apart, how many strings that are no key.</summary>
    public int KeyCacheSize { get; set; } = 10_000;

    /// <summary>"No such key" is remembered for at most this long, so that a client retrying a wrong key
    /// costs one lookup, not one per request.</summary>
    public static readonly TimeSpan UnknownKeyTtl = TimeSpan.FromSeconds(5);
}

/// <summary>
/// The callers behind API keys, by key hash, so that authentication does not read the database on every request.
/// Keys that are no key (unknown or revoked) are remembered apart, briefly and in bounded number, so that a flood
/// of made-up keys can neither grow memory nor push real keys out.
/// </summary>
/// <remarks>
/// An entry holds what <see cref="Caller"/> holds: the key's role, tenant and org unit (fixed when the key is
/// created), the unit's path (units are never moved or deleted), the tenant's code and time zone (neither can be
/// changed). Only revocation changes what a key may do; it evicts the key here through
/// <see cref="KeyRevocationListener"/> in every process, and the revoking process also evicts it itself.
/// </remarks>
public sealed class KeyCache : IDisposable
{
    /// <summary>
    /// At most this many keys are looked up in the database at once, so that a flood of made-up keys waits here
    /// for a few connections instead of taking the pool from requests whose keys are remembered.
    /// </summary>
    public const int ConcurrentLookups = 8;

    private static readonly object NotAKey = new();
    private readonly SemaphoreSlim _lookups = new(ConcurrentLookups);

    private readonly MemoryCache _callers;
    private readonly MemoryCache _unknown;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _unknownTtl;
    private long _evictions;

    public KeyCache(IOptions<KeyCacheOptions> options)
    {
        var settings = options.Value;
        _ttl = settings.KeyCacheTtl;
        _unknownTtl = settings.KeyCacheTtl < KeyCacheOptions.UnknownKeyTtl ? settings.KeyCacheTtl : KeyCacheOptions.UnknownKeyTtl;
        _callers = new MemoryCache(new MemoryCacheOptions { SizeLimit = settings.KeyCacheSize });
        _unknown = new MemoryCache(new MemoryCacheOptions { SizeLimit = settings.KeyCacheSize });
    }

    /// <summary>Counts evictions; read it before a lookup and hand it to <see cref="Remember"/>.</summary>
    public long Stamp => Interlocked.Read(ref _evictions);

    /// <summary>Keys remembered now, callers and no-keys together (expired ones may still count until swept).</summary>
    public long Count => _callers.Count + _unknown.Count;

    /// <summary>True when the key's lookup is remembered: <paramref name="caller"/> is then its caller, or null when it is no key.</summary>
    public bool TryGet(string keyHash, out Caller? caller)
    {
        caller = null;
        if (_callers.TryGetValue(keyHash, out var found) && found is Caller known)
        {
            caller = known;
            return true;
        }
        return _unknown.TryGetValue(keyHash, out _);
    }

    /// <summary>The key's caller (null when it is no key), remembered or else found by <paramref name="lookup"/>.</summary>
    public async Task<Caller?> FindAsync(string keyHash, Func<CancellationToken, Task<Caller?>> lookup, CancellationToken ct)
    {
        if (TryGet(keyHash, out var caller)) return caller;
        await _lookups.WaitAsync(ct);
        try
        {
            // Another request may have looked the same key up while this one waited.
            if (TryGet(keyHash, out caller)) return caller;
            var stamp = Stamp;
            caller = await lookup(ct);
            Remember(keyHash, caller, stamp);
            return caller;
        }
        finally
        {
            _lookups.Release();
        }
    }

    /// <summary>
    /// Remembers a lookup made after <paramref name="stamp"/> was read. If anything was evicted meanwhile, the
    /// lookup may predate that revocation, so it is not kept.
    /// </summary>
    public void Remember(string keyHash, Caller? caller, long stamp)
    {
        if (_ttl <= TimeSpan.Zero) return;
        var cache = caller is null ? _unknown : _callers;
        cache.Set(keyHash, caller ?? NotAKey, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = caller is null ? _unknownTtl : _ttl,
        });
        // Evict first counts, then removes: an eviction that ran before this Set either removed the entry already
        // or shows here in the count.
        if (Stamp != stamp) cache.Remove(keyHash);
    }

    /// <summary>Forgets one key (by its hash, lower-case hex) at once.</summary>
    public void Evict(string keyHash)
    {
        Interlocked.Increment(ref _evictions);
        _callers.Remove(keyHash);
        _unknown.Remove(keyHash);
    }

    /// <summary>Forgets every key, when revocations may have been missed.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _evictions);
        _callers.Clear();
        _unknown.Clear();
    }

    public void Dispose()
    {
        _callers.Dispose();
        _unknown.Dispose();
        _lookups.Dispose();
    }
}
