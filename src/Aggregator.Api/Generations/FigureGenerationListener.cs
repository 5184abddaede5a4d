using System.Collections.Concurrent;
using System.Globalization;
using Aggregator.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aggregator.Api.Generations;

/// <summary>
/// Keeps <see cref="FigureGenerations"/> current on one connection of its own (not pooled, and straight to PostgreSQL
/// when a transaction pooler is in front: <see cref="DatabaseEndpoint.SessionConnectionString"/>): LISTENs on
/// <see cref="FigureChanges.Channel"/>, reads everything anew on every (re)connect and every
/// <see cref="FigureOptions.PollInterval"/> (so a replica behind a pooler that swallows NOTIFY is at most that late),
/// and reads one year anew when a process announces changes of it or the rollup job announces stored figures. Everything
/// runs in the order the connection delivers it, so a reading never overtakes a change heard after it.
/// </summary>
public sealed class FigureGenerationListener(
    DatabaseEndpoint endpoint, FigureGenerations generations, IOptions<FigureOptions> options, ILogger<FigureGenerationListener> logger)
    : BackgroundService
{
    /// <summary>The listener's application_name in pg_stat_activity.</summary>
    public const string ApplicationName = "aggregator-figure-listener";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);

    // Under the monitoring scope (0010, 0013): generations and numbers of every tenant, no figures.
    // The pending changes as their number and a digest (XOR of their hashes): what a token needs, however many they are.
    private const string PendingSql = "count(f.generation) AS Pending, coalesce(bit_xor(hashint8extended(f.generation, 0)), 0) AS Digest";

    private const string ReadAll = $"""
        SELECT k.tenant_id AS TenantId, k.year AS Year, coalesce(s.figures_generation, 0) AS Figures, {PendingSql}
        FROM (SELECT tenant_id, year FROM rollup_state UNION SELECT tenant_id, year FROM figure_changes) k
        LEFT JOIN rollup_state s ON s.tenant_id = k.tenant_id AND s.year = k.year
        LEFT JOIN figure_changes f ON f.tenant_id = k.tenant_id AND f.year = k.year
        GROUP BY k.tenant_id, k.year, s.figures_generation
        """;

    /// <summary>One year's generations (parameters @tenantId, @year): Figures, Pending, Digest. Tests compare with it.</summary>
    public const string ReadOneSql = $"""
        SELECT coalesce((SELECT figures_generation FROM rollup_state WHERE tenant_id = @tenantId AND year = @year), 0) AS Figures, {PendingSql}
        FROM figure_changes f WHERE f.tenant_id = @tenantId AND f.year = @year
        """;

    private readonly ConcurrentQueue<string> _heard = new();
    private int _connections;

    /// <summary>How many times the listener has connected (1 after start-up, more after reconnects).</summary>
    public int Connections => Volatile.Read(ref _connections);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var connectionString = new NpgsqlConnectionStringBuilder(endpoint.SessionConnectionString)
        {
            Pooling = false,
            ApplicationName = ApplicationName,
            // No Npgsql keepalive: the poll's own query notices a dead connection within the poll interval.
            TcpKeepAlive = true,
            // Statements of its own, never prepared behind a pooler's back.
            MaxAutoPrepare = 0,
        }.ConnectionString;
        var lastRetry = settings.PollInterval;
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => _heard.Enqueue(e.Payload);
                if (settings.Listen)
                {
                    await using var listen = new NpgsqlCommand($"LISTEN {FigureChanges.Channel}", connection);
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                _heard.Clear();
                await ReadAllAsync(connection, stoppingToken);
                Interlocked.Increment(ref _connections);
                if (retry != FirstRetry) logger.LogInformation("Figure generations read anew after a reconnect.");
                retry = FirstRetry;

                var nextPoll = DateTime.UtcNow + settings.PollInterval;
                while (true)
                {
                    await ApplyHeardAsync(connection, stoppingToken);
                    var wait = nextPoll - DateTime.UtcNow;
                    if (wait <= TimeSpan.Zero)
                    {
                        await ReadAllAsync(connection, stoppingToken);
                        nextPoll = DateTime.UtcNow + settings.PollInterval;
                        continue;
                    }
                    // Whole milliseconds, at least one: Npgsql reads a timeout of 0 ms as "wait for ever".
                    if (settings.Listen) await connection.WaitAsync(Math.Max(1, (int)Math.Ceiling(wait.TotalMilliseconds)), stoppingToken);
                    else await Task.Delay(wait, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Figure generations not followed; retrying in {Retry}. Reads answer from the last known generations meanwhile.", retry);
            }
            try { await Task.Delay(retry, stoppingToken); }
            catch (OperationCanceledException) { return; }
            retry = retry * 2 < lastRetry ? retry * 2 : lastRetry;
        }
    }

    /// <summary>
    /// Applies what was heard, in order. Payloads: tenant:year:changes (a process announced changes of the year: its
    /// pending generations are read anew) and tenant:year:generation:stored (the job stored figures).
    /// </summary>
    private async Task ApplyHeardAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        while (_heard.TryDequeue(out var payload))
        {
            var parts = payload.Split(':');
            if (parts.Length < 3 || !Guid.TryParse(parts[0], out var tenantId)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            {
                logger.LogWarning("Ignored a figure notification that is neither tenant:year:changes nor tenant:year:generation:stored.");
                continue;
            }
            if (parts[2] == FigureChanges.Changes)
                await ReadOneAsync(connection, tenantId, year, ct);
            else if (parts.Length > 3 && parts[3] == FigureChanges.Stored
                     && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var figures))
            {
                generations.Stored(tenantId, year, figures);
                await ReadOneAsync(connection, tenantId, year, ct);
            }
            else logger.LogWarning("Ignored a figure notification that is neither tenant:year:changes nor tenant:year:generation:stored.");
        }
    }

    private async Task ReadAllAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var rows = new List<FigureGenerations.Row>();
        var readSince = System.Diagnostics.Stopwatch.GetTimestamp();
        await InMonitoringScopeAsync(connection, async transaction =>
        {
            await using var command = new NpgsqlCommand(ReadAll, connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add(new FigureGenerations.Row(reader.GetGuid(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }, ct);
        generations.ReplaceAll(rows, readSince);
    }

    private async Task ReadOneAsync(NpgsqlConnection connection, Guid tenantId, int year, CancellationToken ct)
    {
        var readSince = System.Diagnostics.Stopwatch.GetTimestamp();
        await InMonitoringScopeAsync(connection, async transaction =>
        {
            await using var command = new NpgsqlCommand(ReadOneSql, connection, transaction);
            command.Parameters.AddWithValue("tenantId", tenantId);
            command.Parameters.AddWithValue("year", year);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
                generations.Replace(new FigureGenerations.Row(tenantId, year, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)), readSince);
        }, ct);
    }

    private static async Task InMonitoringScopeAsync(NpgsqlConnection connection, Func<NpgsqlTransaction, Task> read, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        // SET LOCAL, not set_config: the one form Citus carries to the workers (deploy/README.md, Citus); one text for every read.
        await using (var scope = new NpgsqlCommand("SET LOCAL app.scope = 'monitoring'", connection, transaction))
            await scope.ExecuteNonQueryAsync(ct);
        await read(transaction);
        await transaction.CommitAsync(ct);
    }
}
