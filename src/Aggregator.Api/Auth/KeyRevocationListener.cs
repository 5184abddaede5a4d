using Aggregator.Data;
using Npgsql;

namespace Aggregator.Api.Auth;

/// <summary>
/// Tells every API process that a key was revoked: the revoking transaction sends the key's hash on
/// <see cref="Channel"/> (PostgreSQL delivers it on commit), and each process's listener evicts it from its
/// <see cref="KeyCache"/>.
/// </summary>
public static class KeyRevocations
{
    public const string Channel = "aggregator_keys";

    /// <summary>Within the transaction that revokes the key; nothing is sent if it rolls back.</summary>
    public static Task NotifyAsync(DbSession db, byte[] keyHash) =>
        db.ExecuteAsync("SELECT pg_notify(@channel, @payload)", new { channel = Channel, payload = Convert.ToHexStringLower(keyHash) });
}

/// <summary>
/// Holds one connection of its own that LISTENs on <see cref="KeyRevocations.Channel"/> and evicts each revoked
/// key from this process's cache. When the connection fails it reconnects with backoff; while it is down, cached
/// keys are trusted no longer than Aggregator:Auth:KeyCacheTtl, and on every (re)connect the whole cache is
/// dropped, since revocations sent meanwhile were missed. It connects with <see cref="DatabaseEndpoint.SessionConnectionString"/>:
/// straight to PostgreSQL when a transaction pooler is in front, where a LISTEN would hear nothing.
/// </summary>
public sealed class KeyRevocationListener(DatabaseEndpoint endpoint, KeyCache cache, ILogger<KeyRevocationListener> logger)
    : BackgroundService
{
    /// <summary>The listener's application_name in pg_stat_activity.</summary>
    public const string ApplicationName = "aggregator-key-listener";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(15);

    private int _connections;

    /// <summary>How many times the listener has started listening (1 after start-up, more after reconnects).</summary>
    public int Connections => Volatile.Read(ref _connections);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(endpoint.SessionConnectionString)
        {
            Pooling = false,
            ApplicationName = ApplicationName,
            // A keepalive query while waiting, so that a connection that died silently is noticed.
            KeepAlive = 10,
        }.ConnectionString;
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => cache.Evict(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {KeyRevocations.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                cache.Clear();
                Interlocked.Increment(ref _connections);
                if (retry != FirstRetry) logger.LogInformation("Listening for key revocations again; the key cache was cleared.");
                retry = FirstRetry;
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Not listening for key revocations; retrying in {Retry}. Cached keys expire meanwhile.", retry);
            }
            try { await Task.Delay(retry, stoppingToken); }
            catch (OperationCanceledException) { return; }
            retry = retry * 2 < LastRetry ? retry * 2 : LastRetry;
        }
    }
}
