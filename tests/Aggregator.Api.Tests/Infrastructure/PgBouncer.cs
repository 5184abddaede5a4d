using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>
/// Debian's PgBouncer (1.18, <c>/usr/sbin/pgbouncer</c>) in transaction mode on a loopback port of its own, in front of
/// one PostgreSQL: clients authenticate with SCRAM as the app role (a userlist holds its password, which PgBouncer also
/// uses towards the server). Its config, log and pid live in a temporary folder the <c>postgres</c> user owns, as
/// PgBouncer refuses to run as root. Stopped and the folder deleted when disposed. The benchmark links this file too.
/// </summary>
public sealed class PgBouncer : IAsyncDisposable
{
    /// <summary>Set to 1, the shared ApiFixture runs its API through a PgBouncer (.ci/run's second pass).</summary>
    public const string Variable = "AGGREGATOR_TEST_PGBOUNCER";

    /// <summary>The admin console's user (SHOW POOLS, SHOW STATS): PgBouncer's own, no PostgreSQL role.</summary>
    public const string AdminUser = "pgbouncer_admin";

    public const string Binary = "/usr/sbin/pgbouncer";

    private readonly Process _process;
    private readonly string _folder;
    private readonly string _adminPassword;

    private PgBouncer(Process process, string folder, int port, string connectionString, string adminPassword)
    {
        _process = process;
        _folder = folder;
        _adminPassword = adminPassword;
        Port = port;
        ConnectionString = connectionString;
    }

    public static bool Requested => Environment.GetEnvironmentVariable(Variable) == "1";

    public int Port { get; }

    /// <summary>The app role through PgBouncer: ConnectionStrings:Aggregator of an API behind it.</summary>
    public string ConnectionString { get; }

    /// <summary>PgBouncer's own log (connections, errors), for a failure message.</summary>
    public string Log => File.Exists(Path.Combine(_folder, "pgbouncer.log")) ? File.ReadAllText(Path.Combine(_folder, "pgbouncer.log")) : "";

    /// <summary>Starts PgBouncer in front of the server that <paramref name="appConnectionString"/> reaches, as the same role.</summary>
    public static async Task<PgBouncer> StartAsync(string appConnectionString, int poolSize = 20, CancellationToken ct = default)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: apt-get install -y pgbouncer (Debian's 1.18 is what runs here).");
        var server = new NpgsqlConnectionStringBuilder(appConnectionString);
        var folder = Path.Combine(Path.GetTempPath(), $"aggregator-pgbouncer-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var port = FreeLoopbackPort();
        var adminPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var config = Path.Combine(folder, "pgbouncer.ini");
        await File.WriteAllTextAsync(Path.Combine(folder, "userlist.txt"),
            $"{Quoted(server.Username!)} {Quoted(server.Password!)}\n{Quoted(AdminUser)} {Quoted(adminPassword)}\n", ct);
        await File.WriteAllTextAsync(config, $"""
            [databases]
            {server.Database} = host={server.Host} port={server.Port} dbname={server.Database}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = {folder}/userlist.txt
            admin_users = {AdminUser}
            pool_mode = transaction
            default_pool_size = {poolSize}
            max_client_conn = 1000
            server_reset_query =
            logfile = {folder}/pgbouncer.log
            pidfile = {folder}/pgbouncer.pid
            """, ct);
        var root = Environment.UserName == "root";
        if (root) await RunAsync("chown", ["-R", "postgres:postgres", folder], ct);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var start = new ProcessStartInfo(root ? "runuser" : Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var argument in (string[])(root ? ["-u", "postgres", "--", Binary, config] : [config])) start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start PgBouncer.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var through = new NpgsqlConnectionStringBuilder(appConnectionString) { Host = "127.0.0.1", Port = port }.ConnectionString;
        var bouncer = new PgBouncer(process, folder, port, through, adminPassword);
        try
        {
            await bouncer.WaitUntilListeningAsync(ct);
            return bouncer;
        }
        catch
        {
            await bouncer.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The rows of an admin console command (<c>SHOW POOLS</c>, <c>SHOW STATS</c>…), each column by its name. Through
    /// psql: the console speaks only the simple query protocol, and Npgsql only the extended one.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> ShowAsync(string what, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo("psql")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["PGPASSWORD"] = _adminPassword, ["PGCONNECT_TIMEOUT"] = "5" },
        };
        foreach (var argument in new[] { "-X", "-q", "--csv", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture),
                     "-U", AdminUser, "-d", "pgbouncer", "-c", $"SHOW {what}" })
            start.ArgumentList.Add(argument);
        using var psql = Process.Start(start) ?? throw new InvalidOperationException("Could not start psql.");
        var output = psql.StandardOutput.ReadToEndAsync(ct);
        var error = psql.StandardError.ReadToEndAsync(ct);
        await psql.WaitForExitAsync(ct);
        if (psql.ExitCode != 0) throw new InvalidOperationException($"SHOW {what} on PgBouncer's console failed: {await error}");
        // The console's values hold no commas or quotes (names, numbers, addresses).
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var names = lines[0].Split(',');
        return lines.Skip(1).Select(line => (IReadOnlyDictionary<string, string>)names.Zip(line.Split(','))
            .ToDictionary(pair => pair.First, pair => pair.Second)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // runuser does not pass SIGKILL on: the whole tree goes.
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private async Task WaitUntilListeningAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
                await connection.OpenAsync(ct);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
            {
                if (_process.HasExited || DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"PgBouncer did not start on port {Port}: {e.Message}\n{Log}", e);
            }
            await Task.Delay(100, ct);
        }
    }

    private static string Quoted(string value) => "\"" + value.Replace("\"", "\"\"") + "\"";

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] arguments, CancellationToken ct)
    {
        using var process = Process.Start(file, arguments);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}).");
    }
}
