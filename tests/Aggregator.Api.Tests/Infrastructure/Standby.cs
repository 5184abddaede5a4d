using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Aggregator.Data.Embedded;
using Npgsql;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>
/// A streaming standby of a test's cluster: <c>pg_basebackup -R</c> of the primary into a temporary folder, started on a
/// loopback port of its own as the postgres user (the primary's defaults already allow it: wal_level replica, WAL
/// senders, and initdb's pg_hba lines for replication on 127.0.0.1). Stopped and deleted when disposed. Shared with the
/// benchmark (<c>--standby</c>), so it needs nothing of xunit nor of the data layer's internals.
/// </summary>
internal sealed class Standby : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;
    private readonly string _primarySuperuser;
    private readonly string _primaryApp;
    private bool _running;

    private Standby(string primarySuperuser, string primaryApp, string bin, string folder, int port)
    {
        _primarySuperuser = primarySuperuser;
        _primaryApp = primaryApp;
        _bin = bin;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The application's role on the standby, as Aggregator:Database:ReadReplicas lists it.</summary>
    public string AppConnectionString => OnStandby(_primaryApp, pooling: true);

    private string SuperuserConnectionString => OnStandby(_primarySuperuser, pooling: false);

    /// <summary>A standby of the cluster that <paramref name="primarySuperuser"/> reaches (as postgres); <paramref name="primaryApp"/> is the app role's connection string there.</summary>
    public static async Task<Standby> StartAsync(string primarySuperuser, string primaryApp)
    {
        var bin = PostgresBinaries.FindBinDirectory() ?? throw new InvalidOperationException(PostgresBinaries.InstallHint);
        var folder = Path.Combine(Path.GetTempPath(), $"aggregator-standby-{Guid.NewGuid():N}");
        var superuser = new NpgsqlConnectionStringBuilder(primarySuperuser);
        var standby = new Standby(primarySuperuser, primaryApp, bin, folder, FreeLoopbackPort());
        // pg_basebackup creates the folder itself (as the postgres user, under the world-writable temporary folder).
        await RunAsPostgresAsync(Path.Combine(bin, "pg_basebackup"),
            ["-D", folder, "-R", "-X", "stream", "-c", "fast",
             "-d", $"host=127.0.0.1 port={superuser.Port} user=postgres password={superuser.Password} dbname=postgres"]);
        await standby.StartServerAsync();
        await standby.WaitForReplayAsync();
        return standby;
    }

    private async Task StartServerAsync()
    {
        // max_connections at least the primary's (200): a hot standby refuses fewer.
        await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"),
            ["start", "-D", _folder, "-w", "-t", "60", "-l", Path.Combine(_folder, "server.log"), "-o",
             $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories='' -c max_connections=200 -c hot_standby=on"]);
        _running = true;
    }

    /// <summary>Polls until the standby has replayed everything the primary had written when asked.</summary>
    public async Task WaitForReplayAsync()
    {
        string primaryLsn;
        await using (var primary = new NpgsqlConnection(_primarySuperuser))
        {
            await primary.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_current_wal_lsn()::text", primary);
            primaryLsn = (string)(await command.ExecuteScalarAsync())!;
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                if (await ScalarAsync<bool>("SELECT coalesce(pg_last_wal_replay_lsn() >= @lsn::pg_lsn, false)", ("lsn", primaryLsn))) return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                // Still starting up.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The standby did not replay up to {primaryLsn} within 60 s.");
            await Task.Delay(50);
        }
    }

    public Task PauseReplayAsync() => ScalarAsync<object>("SELECT pg_wal_replay_pause()");

    public Task ResumeReplayAsync() => ScalarAsync<object>("SELECT pg_wal_replay_resume()");

    /// <summary>Connections of the app's figure reads to the standby now (pg_stat_activity).</summary>
    public Task<long> FigureReadConnectionsAsync() =>
        ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'aggregator-figure-reads'");

    /// <summary>Runs a query as the application's role on the standby (row-level security applies: set the tenant).</summary>
    public async Task<T> AppScalarAsync<T>(Guid tenantId, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(OnStandby(_primaryApp, pooling: false));
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var scope = new NpgsqlCommand("SELECT set_config('app.tenant_id', @tenant, true)", connection, transaction))
        {
            scope.Parameters.AddWithValue("tenant", tenantId.ToString());
            await scope.ExecuteNonQueryAsync();
        }
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Stops it at once, as a crash would (the folder stays until disposal).</summary>
    public async Task StopAsync()
    {
        if (!_running) return;
        await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["stop", "-D", _folder, "-m", "immediate", "-w"], throwOnFailure: false);
        _running = false;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var result = await command.ExecuteScalarAsync();
        return result is DBNull or null ? default! : (T)result;
    }

    /// <summary>A PostgreSQL tool, as the postgres user when this process is root (as the embedded clusters run).</summary>
    private static async Task RunAsPostgresAsync(string file, IReadOnlyList<string> arguments, bool throwOnFailure = true)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        if (Environment.UserName == "root")
        {
            start.FileName = "runuser";
            foreach (var argument in new[] { "-u", "postgres", "--", file }) start.ArgumentList.Add(argument);
        }
        else start.FileName = file;
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output + await errors;
        // The arguments are not repeated: pg_basebackup's carry the superuser's password.
        if (throwOnFailure && process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {text.Trim()}");
    }

    private string OnStandby(string connectionString, bool pooling) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Port = Port, Pooling = pooling }.ConnectionString;

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
