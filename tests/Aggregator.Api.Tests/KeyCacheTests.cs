using System.Diagnostics;
using System.Net;
using Aggregator.Api.Auth;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aggregator.Api.Tests;

/// <summary>
/// Keys are remembered per process, and a revocation reaches every process at once: a second API host over the
/// same database stands for another replica.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class KeyCacheTests(ApiFixture api) : IAsyncLifetime
{
    /// <summary>The design's bound: LISTEN/NOTIFY carries a revocation to every replica well within it.</summary>
    private static readonly TimeSpan RevocationBound = TimeSpan.FromSeconds(1);

    private readonly TestData _data = new(api);
    private ApiFactory _other = null!;

    public async Task InitializeAsync()
    {
        _other = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = api.Postgres.AppConnectionString,
            ["Aggregator:BootstrapAdminKey"] = ApiFixture.AdminKey,
            ["Aggregator:Jobs:RunServer"] = "false",
        });
        _other.StartServer();
        await WaitUntilListeningAsync(_other, connectionsBefore: 0);
    }

    public async Task DisposeAsync() => await _other.DisposeAsync();

    [Fact]
    public async Task Should_refuse_a_key_revoked_through_one_host_on_another_within_a_second()
    {
        var district = await _data.DistrictAsync();
        var (id, key) = await _data.KeyAsync(district.Tenant, district.Tenant, "viewer");
        await Templates(api.Factory, key).ShouldHaveStatusAsync(HttpStatusCode.OK);
        await Templates(_other, key).ShouldHaveStatusAsync(HttpStatusCode.OK);
        Assert.True(IsCached(_other, key), "the other host remembers the key after using it");

        (await api.Admin().DeleteAsync($"/api/v1/tenants/{district.Tenant}/api-keys/{id}")).EnsureSuccessStatusCode();

        await Templates(api.Factory, key).ShouldHaveStatusAsync(HttpStatusCode.Unauthorized);
        var seenAfter = await RefusedWithinAsync(_other, key, RevocationBound);
        Assert.True(seenAfter is not null, $"the other host still accepted the revoked key after {RevocationBound.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Should_forget_every_key_and_hear_revocations_again_when_the_listener_reconnects()
    {
        var district = await _data.DistrictAsync();
        var (_, kept) = await _data.KeyAsync(district.Tenant, district.Tenant, "viewer");
        var (revokedId, revoked) = await _data.KeyAsync(district.Tenant, district.Tenant, "viewer");
        await Templates(_other, kept).ShouldHaveStatusAsync(HttpStatusCode.OK);
        await Templates(_other, revoked).ShouldHaveStatusAsync(HttpStatusCode.OK);
        Assert.True(IsCached(_other, kept) && IsCached(_other, revoked));
        var connections = Listener(_other).Connections;

        // The application's role may end its own backends; every host's listener goes, each reconnects.
        await using (var command = api.AppDataSource.CreateCommand(
                         "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = KeyRevocationListener.ApplicationName });
            Assert.True((long)(await command.ExecuteScalarAsync())! >= 2, "both hosts' listeners were found");
        }
        await WaitUntilListeningAsync(_other, connections);

        Assert.False(IsCached(_other, kept), "keys cached before the disconnect are dropped: revocations may have been missed");
        Assert.False(IsCached(_other, revoked));

        await Templates(_other, revoked).ShouldHaveStatusAsync(HttpStatusCode.OK);
        (await api.Admin().DeleteAsync($"/api/v1/tenants/{district.Tenant}/api-keys/{revokedId}")).EnsureSuccessStatusCode();
        Assert.True(await RefusedWithinAsync(_other, revoked, RevocationBound) is not null,
            "a revocation after the reconnect reaches the other host");
        await Templates(_other, kept).ShouldHaveStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public void Should_not_keep_a_lookup_that_an_eviction_may_have_overtaken()
    {
        using var cache = new KeyCache(Options.Create(new KeyCacheOptions()));
        var caller = new Caller("k", KeyRoles.Viewer, Guid.NewGuid(), "t", 1, "1", "Asia/Shanghai");

        var stamp = cache.Stamp;
        cache.Evict("aa"); // the key was revoked while its lookup ran
        cache.Remember("aa", caller, stamp);
        Assert.False(cache.TryGet("aa", out _));

        stamp = cache.Stamp;
        cache.Remember("aa", caller, stamp);
        Assert.True(cache.TryGet("aa", out var found));
        Assert.Same(caller, found);
    }

    [Fact]
    public void Should_remember_at_most_the_configured_number_of_strings_that_are_no_key()
    {
        using var cache = new KeyCache(Options.Create(new KeyCacheOptions { KeyCacheSize = 3 }));
        var caller = new Caller("k", KeyRoles.Viewer, Guid.NewGuid(), "t", 1, "1", "Asia/Shanghai");
        cache.Remember("real", caller, cache.Stamp);
        cache.Remember("wrong", null, cache.Stamp);
        Assert.True(cache.TryGet("wrong", out var none) && none is null, "no key is remembered as no key");

        for (var index = 0; index < 50; index++) cache.Remember($"made-up-{index}", null, cache.Stamp);

        Assert.True(cache.Count <= 4, $"{cache.Count} entries");
        Assert.True(cache.TryGet("real", out var found) && found == caller, "made-up keys do not push real ones out");
    }

    [Fact]
    public async Task Should_look_up_at_most_a_few_keys_in_the_database_at_once()
    {
        using var cache = new KeyCache(Options.Create(new KeyCacheOptions()));
        int running = 0, most = 0, done = 0;

        await Task.WhenAll(Enumerable.Range(0, 40).Select(index => cache.FindAsync($"made-up-{index}", async _ =>
        {
            var now = Interlocked.Increment(ref running);
            lock (cache) most = Math.Max(most, now);
            await Task.Delay(5);
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref done);
            return null;
        }, CancellationToken.None)));

        Assert.Equal(40, done);
        Assert.InRange(most, 1, KeyCache.ConcurrentLookups);
    }

    [Fact]
    public void Should_not_remember_anything_when_the_time_to_live_is_zero()
    {
        using var cache = new KeyCache(Options.Create(new KeyCacheOptions { KeyCacheTtl = TimeSpan.Zero }));
        cache.Remember("aa", null, cache.Stamp);
        Assert.False(cache.TryGet("aa", out _));
    }

    private static Task<HttpResponseMessage> Templates(ApiFactory host, string key)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client.GetAsync("/api/v1/templates");
    }

    /// <summary>Polls every 20 ms; the time until the host answered 401, or null if it never did within <paramref name="bound"/>.</summary>
    private static async Task<TimeSpan?> RefusedWithinAsync(ApiFactory host, string key, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed <= bound)
        {
            using var response = await Templates(host, key);
            if (response.StatusCode == HttpStatusCode.Unauthorized) return clock.Elapsed;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(20);
        }
        return null;
    }

    private static bool IsCached(ApiFactory host, string key) =>
        host.Services.GetRequiredService<KeyCache>().TryGet(Convert.ToHexStringLower(ApiKeySecret.Hash(key)), out _);

    private static KeyRevocationListener Listener(ApiFactory host) => host.Services.GetRequiredService<KeyRevocationListener>();

    private static async Task WaitUntilListeningAsync(ApiFactory host, int connectionsBefore)
    {
        var clock = Stopwatch.StartNew();
        while (Listener(host).Connections <= connectionsBefore)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the key revocation listener did not (re)connect");
            await Task.Delay(20);
        }
    }
}

file static class ResponseTasks
{
    public static async Task ShouldHaveStatusAsync(this Task<HttpResponseMessage> response, HttpStatusCode expected)
    {
        using var answered = await response;
        await answered.ShouldHaveStatus(expected);
    }
}
