using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aggregator.Data.Embedded;

/// <summary>
/// A private PostgreSQL cluster started from the machine's own binaries, for the one-command local run and
/// for the tests. The cluster lives in <c>{dataDirectory}/pg</c>; the generated role passwords live in
/// <c>{dataDirectory}/credentials.json</c> (mode 600), so a restart on the same folder finds its data. One
/// process at a time: the folder is locked for as long as this instance lives (<see cref="DataFolderLock"/>).
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public const string DatabaseName = "aggregator";
    public const string OwnerRole = "aggregator_owner";
    public const string AppRole = "aggregator_app";

    private readonly string _binDirectory;
    private readonly string _clusterDirectory;
    private readonly DataFolderLock _folderLock;
    private readonly Lock _stopLock = new();
    // One start, restart or stop of the server at a time: supervision never restarts a server being stopped.
    private readonly SemaphoreSlim _control = new(1, 1);
    private ILogger _logger;
    private Task? _stop;
    private string? _clusterCwd;

    private EmbeddedPostgres(string binDirectory, string clusterDirectory, int port, Credentials credentials, DataFolderLock folderLock, ILogger logger)
    {
        _binDirectory = binDirectory;
        _folderLock = folderLock;
        _clusterDirectory = clusterDirectory;
        _logger = logger;
        Port = port;
        OwnerConnectionString = ConnectionString(port, OwnerRole, credentials.Owner);
        AppConnectionString = ConnectionString(port, AppRole, credentials.App);
        SuperuserConnectionString = ConnectionString(port, "postgres", credentials.Superuser);
    }

    /// <summary>The cluster's superuser, for the fault tests (a read-only server); never handed to the application.</summary>
    internal string SuperuserConnectionString { get; }

    public int Port { get; }

    /// <summary>Connects as the role that owns the schema; used only to run migrations.</summary>
    public string OwnerConnectionString { get; }

    /// <summary>Connects as the role the application works through: owns nothing, no BYPASSRLS.</summary>
    public string AppConnectionString { get; }

    public static async Task<EmbeddedPostgres> StartAsync(
        string dataDirectory, ILogger logger, CancellationToken ct = default, string? binDirectory = null)
    {
        binDirectory = PostgresBinaries.FindBinDirectory(binDirectory) ?? throw new EmbeddedPostgresException(PostgresBinaries.InstallHint);
        dataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(dataDirectory);

        // Before anything else: a second instance must not stop the running one's server as a "leftover".
        var folderLock = DataFolderLock.Acquire(dataDirectory);
        try
        {
            var credentials = await Credentials.LoadOrCreateAsync(Path.Combine(dataDirectory, "credentials.json"), ct);
            var clusterDirectory = await ChooseClusterDirectoryAsync(dataDirectory, logger, ct);

            var server = new EmbeddedPostgres(binDirectory, clusterDirectory, FreeLoopbackPort(), credentials, folderLock, logger);
            if (!File.Exists(Path.Combine(clusterDirectory, "PG_VERSION")))
                await server.InitDbAsync(credentials.Superuser, ct);
            await server.StopLeftoverServerAsync(ct);
            await server.StartServerAsync(ct);
            await server.EnsureRolesAndDatabaseAsync(credentials, ct);
            folderLock.Record(server.Port, []);
            return server;
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>Notes where the service using this cluster listens, for the message that refuses a second instance.</summary>
    public void RecordUrls(IReadOnlyList<string> urls) => _folderLock.Record(Port, urls);

    /// <summary>Where this cluster logs from now on (the host's logging, once it is built).</summary>
    public void LogTo(ILogger logger) => _logger = logger;

    /// <summary>Stops the cluster and returns once it is down. Every caller awaits the same stop.</summary>
    public Task StopAsync()
    {
        lock (_stopLock)
        {
            return _stop ??= StopServerAsync();
        }
    }

    private async Task StopServerAsync()
    {
        // A restart under way finishes first; after this none begins (_stop is set).
        await _control.WaitAsync();
        _control.Release();
        var result = await RunPgCtlAsync(["stop", "-D", _clusterDirectory, "-m", "fast", "-w", "-t", "60"], CancellationToken.None, throwOnFailure: false);
        // pg_ctl can return before the postmaster has removed its pid file; the folder is free only then.
        var pidFile = Path.Combine(_clusterDirectory, "postmaster.pid");
        for (var waited = 0; File.Exists(pidFile) && waited < 30_000; waited += 50)
            await Task.Delay(50);
        if (File.Exists(pidFile))
            _logger.LogWarning("Embedded PostgreSQL on port {Port} did not stop: {Output}", Port, result.Output.Trim());
        else
            _logger.LogInformation("Embedded PostgreSQL on port {Port} stopped", Port);
        _folderLock.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// <c>pg_ctl restart -m fast</c>: every session is ended (57P01) and the server comes back on the same port,
    /// as an operator's restart or a failover does. Returns once it accepts connections again.
    /// </summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await _control.WaitAsync(ct);
        try
        {
            await RunPgCtlAsync(["restart", "-D", _clusterDirectory, "-m", "fast", "-w", "-t", "60", "-l",
                Path.Combine(_clusterDirectory, "server.log")], ct, throwOnFailure: true);
        }
        finally
        {
            _control.Release();
        }
        _logger.LogInformation("Embedded PostgreSQL on port {Port} restarted", Port);
    }

    /// <summary>
    /// Watches the postmaster until <paramref name="ct"/> is cancelled, and starts the cluster again, on the same
    /// folder and port, whenever it has died (a kill -9, the OOM killer): PostgreSQL recovers from its WAL by itself
    /// on start. Failed starts are tried again after 0.5 s, 1 s, 2 s … at most 30 s. <paramref name="restarted"/>
    /// runs after each restart (the application's pool drops the connections of the dead server).
    /// </summary>
    public async Task SuperviseAsync(Action restarted, CancellationToken ct, TimeSpan? pollInterval = null)
    {
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(250);
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var delay = failures == 0 ? interval : TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, failures - 1)));
            try
            {
                await Task.Delay(delay, ct);
                await _control.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                lock (_stopLock)
                {
                    if (_stop is not null) return;
                }
                if (PostmasterPid() is { } pid && IsPostmaster(pid)) continue;
                await StartAgainAsync(failures + 1, ct);
                failures = 0;
                restarted();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is EmbeddedPostgresException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                failures++;
                _logger.LogError("Embedded PostgreSQL on port {Port} did not start again (attempt {Attempt}): {Reason}", Port, failures, e.Message);
            }
            finally
            {
                _control.Release();
            }
        }
    }

    private async Task StartAgainAsync(int attempt, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var pidFile = Path.Combine(_clusterDirectory, "postmaster.pid");
        _logger.LogError("Embedded PostgreSQL on port {Port} is down (its postmaster has exited); starting it again (attempt {Attempt})", Port, attempt);

        // Its backends notice the postmaster's death and exit; one busy in a long statement may not for a while, and
        // while any holds the shared memory a new postmaster refuses to start. They serve nothing any more: ended.
        await EndOrphanedBackendsAsync(ct);
        // The dead postmaster's pid file: its pid may be reused by now, which would make the new one refuse to start.
        if (File.Exists(pidFile)) File.Delete(pidFile);
        await StartServerAsync(ct);
        _logger.LogWarning("Embedded PostgreSQL on port {Port} is back after {Elapsed} ms (attempt {Attempt}); it recovered from its WAL on start",
            Port, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempt);
    }

    private async Task EndOrphanedBackendsAsync(CancellationToken ct)
    {
        if (_clusterCwd is null) return;
        for (var waited = 0; waited < 1_000; waited += 50)
        {
            if (ProcessesIn(_clusterCwd).Count == 0) return;
            await Task.Delay(50, ct);
        }
        foreach (var pid in ProcessesIn(_clusterCwd))
        {
            try
            {
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill();
                await orphan.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(2), ct);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                // Gone already, or not ours to end: the start below says what is in the way.
            }
        }
    }

    /// <summary>
    /// The postgres processes whose working folder is the cluster's: the postmaster and its backends (PostgreSQL chdirs
    /// there). Anything else that happens to sit in the folder (an operator's shell) is left alone.
    /// </summary>
    private static List<int> ProcessesIn(string directory)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid)) continue;
            try
            {
                if (File.ResolveLinkTarget(Path.Combine(entry, "cwd"), returnFinalTarget: false)?.FullName == directory
                    && File.ReadAllText(Path.Combine(entry, "comm")).Trim() == "postgres")
                    found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited meanwhile, or another user's process: not one of this cluster's.
            }
        }
        return found;
    }

    /// <summary>The pid on the first line of postmaster.pid, or null when there is none.</summary>
    private int? PostmasterPid()
    {
        try
        {
            var first = File.ReadLines(Path.Combine(_clusterDirectory, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// True while <paramref name="pid"/> is a live postgres started on this cluster: its command line names the cluster's
    /// folder (a zombie's is empty, and a reused pid names something else).
    /// </summary>
    private bool IsPostmaster(int pid)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return commandLine.Split('\0').Contains(_clusterDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task InitDbAsync(string superuserPassword, CancellationToken ct)
    {
        _logger.LogInformation("Creating a new PostgreSQL cluster in {Directory}", _clusterDirectory);
        PrepareDirectoryForServer(_clusterDirectory);
        var passwordFile = Path.Combine(Path.GetTempPath(), $"aggregator-pw-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, superuserPassword, ct);
        try
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (ProcessRunner.IsRoot) await ProcessRunner.RunAsync("chown", ["postgres", passwordFile], ct);
            await ProcessRunner.RunAsync(Path.Combine(_binDirectory, "initdb"),
                ["-D", _clusterDirectory, "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={passwordFile}",
                 "-E", "UTF8", "--no-locale", "--no-sync"],
                ct, asPostgresUser: true);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private async Task StopLeftoverServerAsync(CancellationToken ct)
    {
        // A server left running by a process that was killed would hold the cluster; stop it first. It cannot be
        // another live instance's: that one would hold the folder lock.
        if (!File.Exists(Path.Combine(_clusterDirectory, "postmaster.pid"))) return;
        var status = await RunPgCtlAsync(["status", "-D", _clusterDirectory], ct, throwOnFailure: false);
        if (status.ExitCode == 0)
        {
            _logger.LogWarning("A PostgreSQL server was still running on {Directory}; stopping it", _clusterDirectory);
            await RunPgCtlAsync(["stop", "-D", _clusterDirectory, "-m", "fast", "-w"], ct, throwOnFailure: false);
        }
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories='' " +
                      "-c max_connections=200 -c shared_buffers=128MB -c fsync=on";
        // After a crash PostgreSQL first fsyncs every file of the cluster, one by one: seconds on a busy disk, most of a
        // restart's time. syncfs (PostgreSQL 14+, Linux) flushes the file system at once, with the same guarantee.
        if (int.TryParse(File.ReadAllText(Path.Combine(_clusterDirectory, "PG_VERSION")).Trim(), out var major) && major >= 14)
            options += " -c recovery_init_sync_method=syncfs";
        await RunPgCtlAsync(["start", "-D", _clusterDirectory, "-w", "-t", "60", "-l",
            Path.Combine(_clusterDirectory, "server.log"), "-o", options], ct, throwOnFailure: true);
        // The folder as the kernel names it (symbolic links resolved), to recognise the cluster's processes by it.
        if (PostmasterPid() is { } pid)
        {
            try { _clusterCwd = File.ResolveLinkTarget($"/proc/{pid}/cwd", returnFinalTarget: false)?.FullName ?? _clusterCwd; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        _logger.LogInformation("Embedded PostgreSQL started on 127.0.0.1:{Port} ({Directory})", Port, _clusterDirectory);
    }

    private async Task EnsureRolesAndDatabaseAsync(Credentials credentials, CancellationToken ct)
    {
        var superuser = ConnectionString(Port, "postgres", credentials.Superuser).Replace($"Database={DatabaseName}", "Database=postgres");
        await using (var connection = new NpgsqlConnection(superuser))
        {
            await connection.OpenAsync(ct);
            await EnsureRoleAsync(connection, OwnerRole, credentials.Owner, ct);
            await EnsureRoleAsync(connection, AppRole, credentials.App, ct);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
            {
                Parameters = { new() { Value = DatabaseName } },
            };
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName} OWNER {OwnerRole}", connection);
                await create.ExecuteNonQueryAsync(ct);
            }
        }

        // ltree is a trusted extension, but creating it once as superuser keeps the owner's rights minimal.
        await using var database = new NpgsqlConnection(superuser.Replace("Database=postgres", $"Database={DatabaseName}"));
        await database.OpenAsync(ct);
        await using var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS ltree", database);
        await extension.ExecuteNonQueryAsync(ct);
    }

    private static async Task EnsureRoleAsync(NpgsqlConnection connection, string role, string password, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = $1", connection)
        {
            Parameters = { new() { Value = role } },
        };
        var verb = await exists.ExecuteScalarAsync(ct) is null ? "CREATE" : "ALTER";
        // Role names are constants and the password is generated hex, so the literal cannot be injected.
        await using var command = new NpgsqlCommand(
            $"{verb} ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE PASSWORD '{password}'", connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private Task<ProcessResult> RunPgCtlAsync(string[] arguments, CancellationToken ct, bool throwOnFailure) =>
        ProcessRunner.RunAsync(Path.Combine(_binDirectory, "pg_ctl"), arguments, ct, asPostgresUser: true, throwOnFailure);

    private static async Task<string> ChooseClusterDirectoryAsync(string dataDirectory, ILogger logger, CancellationToken ct)
    {
        var preferred = Path.Combine(dataDirectory, "pg");
        if (!ProcessRunner.IsRoot) return preferred;

        // PostgreSQL refuses to run as root, so the cluster belongs to the postgres user, who must be able to
        // reach the folder. Under a private home (e.g. /root) it cannot: keep the cluster in /var/lib instead.
        var reachable = await ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", "test", "-x", dataDirectory], ct, throwOnFailure: false);
        if (reachable.ExitCode == 0) return preferred;

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..12];
        var fallback = Path.Combine("/var/lib/aggregator", hash, "pg");
        logger.LogWarning("The postgres user cannot reach {DataDirectory}; keeping the cluster in {Fallback}", dataDirectory, fallback);
        Directory.CreateDirectory(Path.GetDirectoryName(fallback)!);
        return fallback;
    }

    private static void PrepareDirectoryForServer(string clusterDirectory)
    {
        Directory.CreateDirectory(clusterDirectory);
        File.SetUnixFileMode(clusterDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (!ProcessRunner.IsRoot) return;
        // The parent only needs to be traversable by the postgres user.
        var parent = Path.GetDirectoryName(clusterDirectory)!;
        File.SetUnixFileMode(parent, File.GetUnixFileMode(parent) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        ProcessRunner.RunAsync("chown", ["postgres:postgres", clusterDirectory], CancellationToken.None).GetAwaiter().GetResult();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ConnectionString(int port, string user, string password) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Database = DatabaseName,
        Username = user,
        Password = password,
    }.ConnectionString;

    private sealed record Credentials(string Superuser, string Owner, string App)
    {
        public static async Task<Credentials> LoadOrCreateAsync(string file, CancellationToken ct)
        {
            if (File.Exists(file))
                return JsonSerializer.Deserialize<Credentials>(await File.ReadAllTextAsync(file, ct))
                       ?? throw new EmbeddedPostgresException($"{file} is empty; delete the data folder to start afresh.");

            var created = new Credentials(NewPassword(), NewPassword(), NewPassword());
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(created), ct);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return created;
        }

        private static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    }
}

public sealed class EmbeddedPostgresException(string message) : Exception(message);
