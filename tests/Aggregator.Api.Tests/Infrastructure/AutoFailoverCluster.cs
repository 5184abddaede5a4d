using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Aggregator.Data.Embedded;
using Npgsql;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>One PostgreSQL of a pg_auto_failover formation, and what the monitor says of it.</summary>
public sealed record FailoverNode(string Name, int Port, string DataDirectory);

/// <summary>A node as the monitor sees it (pgautofailover.node): the state its keeper reported, the one it was assigned.</summary>
public sealed record FailoverNodeState(string Name, int Port, string Reported, string Goal);

/// <summary>
/// pg_auto_failover on loopback (Debian's postgresql-15-auto-failover, pg-auto-failover-cli): a monitor, a primary and a
/// synchronous secondary, each run by its <c>pg_autoctl run</c> keeper as a child process, as the postgres user, in a
/// temporary folder of its own (pg_autoctl's XDG config, state and pid files included). Tuned to fail over in seconds
/// (the monitor's health checks every second, a node unhealthy after 2 s, a 2 s demote timeout). The database and its
/// two roles are made as deploy/README says; the application connects with a multi-host string
/// (<see cref="AppConnectionString"/>). Disposing stops every process and deletes everything, whatever the test did.
/// </summary>
/// <remarks>
/// Authentication: pg_autoctl's own roles (autoctl_node, the replicator, the monitor's health checks) use trust on
/// 127.0.0.1 (<c>--auth trust</c>, <c>--no-ssl</c>: a loopback test); the application's two roles log in with
/// SCRAM passwords, by rules put first in the primary's pg_hba.conf, which pg_basebackup copies to the secondary.
/// </remarks>
public sealed class AutoFailoverCluster : IAsyncDisposable
{
    public const string DatabaseName = EmbeddedPostgres.DatabaseName;

    private static readonly bool IsRoot = Environment.UserName == "root";

    private readonly string _folder;
    private readonly string _binDirectory;
    private readonly Dictionary<string, Process> _keepers = [];
    private readonly string _ownerPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private readonly string _appPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private AutoFailoverCluster(string folder, string binDirectory)
    {
        _folder = folder;
        _binDirectory = binDirectory;
        Monitor = new FailoverNode("monitor", FreeLoopbackPort(), Path.Combine(folder, "monitor"));
        Nodes = [new FailoverNode("node1", FreeLoopbackPort(), Path.Combine(folder, "node1")),
                 new FailoverNode("node2", FreeLoopbackPort(), Path.Combine(folder, "node2"))];
    }

    public FailoverNode Monitor { get; }

    /// <summary>node1 (the first primary) and node2 (its synchronous secondary).</summary>
    public IReadOnlyList<FailoverNode> Nodes { get; }

    /// <summary>The application's role, on whichever node is the primary (Npgsql finds it).</summary>
    public string AppConnectionString => ConnectionString(EmbeddedPostgres.AppRole, _appPassword);

    /// <summary>The owner of the schema, as migrations connect.</summary>
    public string OwnerConnectionString => ConnectionString(EmbeddedPostgres.OwnerRole, _ownerPassword);

    /// <summary>
    /// <c>Host=127.0.0.1:p1,127.0.0.1:p2;Target Session Attributes=primary</c>, with what makes Npgsql find the new primary
    /// soon: it remembers a host's kind (primary, standby, offline) for Host Recheck Seconds (default 10), and waits
    /// Timeout (default 15 s) for a host that does not answer.
    /// </summary>
    private string ConnectionString(string role, string password) => new NpgsqlConnectionStringBuilder
    {
        Host = string.Join(',', Nodes.Select(node => $"127.0.0.1:{node.Port}")),
        Database = DatabaseName,
        Username = role,
        Password = password,
        TargetSessionAttributes = "primary",
        HostRecheckSeconds = 1,
        Timeout = 5,
    }.ConnectionString;

    /// <summary>The monitor, then the primary, then the secondary; returns once the monitor sees them primary and secondary.</summary>
    public static async Task<AutoFailoverCluster> StartAsync(string name = "aggregator-failover")
    {
        var binDirectory = PostgresBinaries.FindBinDirectory() ?? throw new InvalidOperationException(PostgresBinaries.InstallHint);
        if (!File.Exists("/usr/bin/pg_autoctl") && !File.Exists(Path.Combine(binDirectory, "pg_autoctl")))
            throw new InvalidOperationException("pg_autoctl is not installed: apt-get install postgresql-15-auto-failover pg-auto-failover-cli");
        var cluster = new AutoFailoverCluster(Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}"), binDirectory);
        try
        {
            await cluster.CreateAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task CreateAsync()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "run"));
        if (IsRoot) await ProcessTree.RunAsync("chown", ["-R", "postgres:postgres", _folder]);

        await AutoctlAsync("create", "monitor", "--pgdata", Monitor.DataDirectory, "--pgport", Port(Monitor), "--hostname", "127.0.0.1",
            "--auth", "trust", "--no-ssl", "--pgctl", Path.Combine(_binDirectory, "pg_ctl"));
        // pg_autoctl's monitor listens on every address unless told otherwise; this one is for loopback only.
        await AutoctlAsync("config", "set", "--pgdata", Monitor.DataDirectory, "postgresql.listen_addresses", "127.0.0.1");
        StartKeeper(Monitor);
        await using (var monitor = await OpenAsync(Monitor, "pg_auto_failover", TimeSpan.FromSeconds(30)))
        {
            // Defaults: a check every 5 s, 2 retries 2 s apart, unhealthy after 20 s, 30 s for a lost primary to demote itself.
            foreach (var (setting, value) in new[]
                     {
                         ("health_check_period", 1000), ("health_check_timeout", 1000), ("health_check_max_retries", 1),
                         ("health_check_retry_delay", 500), ("node_considered_unhealthy_timeout", 2000), ("primary_demote_timeout", 2000),
                     })
                await ExecuteAsync(monitor, $"ALTER SYSTEM SET pgautofailover.{setting} = {value}");
            await ExecuteAsync(monitor, "SELECT pg_reload_conf()");
        }

        var monitorUri = $"postgres://autoctl_node@127.0.0.1:{Monitor.Port}/pg_auto_failover?sslmode=disable";
        foreach (var node in Nodes)
        {
            await AutoctlAsync("create", "postgres", "--pgdata", node.DataDirectory, "--pgport", Port(node), "--listen", "127.0.0.1",
                "--hostname", "127.0.0.1", "--name", node.Name, "--monitor", monitorUri, "--dbname", DatabaseName,
                "--auth", "trust", "--no-ssl", "--pgctl", Path.Combine(_binDirectory, "pg_ctl"));
            // The promoted standby waits this long for its WAL receiver to stop (default 5 s); the primary is gone by then.
            await AutoctlAsync("config", "set", "--pgdata", node.DataDirectory, "timeout.prepare_promotion_walreceiver", "1");
            if (node == Nodes[0]) await AllowApplicationRolesAsync(node);
            StartKeeper(node);
            if (node == Nodes[0])
            {
                await WaitForStatesAsync(states => states.Any(s => s.Name == node.Name && s.Reported == "single" && s.Goal == "single"),
                    TimeSpan.FromSeconds(60));
                await CreateRolesAndDatabaseAsync(node);
            }
        }
        await WaitForStatesAsync(states => IsPrimaryAndSecondary(states, Nodes[0], Nodes[1]), TimeSpan.FromSeconds(90));
    }

    /// <summary>True when <paramref name="primary"/> is the primary and <paramref name="secondary"/> its secondary, both settled.</summary>
    public static bool IsPrimaryAndSecondary(IReadOnlyList<FailoverNodeState> states, FailoverNode primary, FailoverNode secondary) =>
        states.Any(s => s.Name == primary.Name && s.Reported == "primary" && s.Goal == "primary")
        && states.Any(s => s.Name == secondary.Name && s.Reported == "secondary" && s.Goal == "secondary");

    /// <summary>SCRAM for the application's roles on loopback, before pg_autoctl's trust rules.</summary>
    private async Task AllowApplicationRolesAsync(FailoverNode node)
    {
        var hba = Path.Combine(node.DataDirectory, "pg_hba.conf");
        var rules = $"host {DatabaseName} {EmbeddedPostgres.OwnerRole},{EmbeddedPostgres.AppRole} 127.0.0.1/32 scram-sha-256\n";
        await File.WriteAllTextAsync(hba, rules + await File.ReadAllTextAsync(hba));
    }

    /// <summary>As deploy/README's "The database": two roles, the database owned by the owner, ltree created by the superuser.</summary>
    private async Task CreateRolesAndDatabaseAsync(FailoverNode primary)
    {
        await using (var postgres = await OpenAsync(primary, "postgres", TimeSpan.FromSeconds(30)))
        {
            // The passwords are generated hex: nothing to escape.
            await ExecuteAsync(postgres, $"CREATE ROLE {EmbeddedPostgres.OwnerRole} LOGIN PASSWORD '{_ownerPassword}'");
            await ExecuteAsync(postgres, $"CREATE ROLE {EmbeddedPostgres.AppRole} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{_appPassword}'");
            // pg_autoctl created the database (--dbname) for its own checks; the owner takes it over.
            await ExecuteAsync(postgres, $"ALTER DATABASE {DatabaseName} OWNER TO {EmbeddedPostgres.OwnerRole}");
            // When pg_rewind cannot bring the old primary back, pg_autoctl copies it anew with pg_basebackup, which waits for
            // a spread checkpoint: up to 0.9 × checkpoint_timeout (4.5 min by default). 30 s bounds that wait. Copied to the
            // secondary with the rest of postgresql.auto.conf.
            await ExecuteAsync(postgres, "ALTER SYSTEM SET checkpoint_timeout = '30s'");
            await ExecuteAsync(postgres, "SELECT pg_reload_conf()");
        }
        await using var database = await OpenAsync(primary, DatabaseName, TimeSpan.FromSeconds(10));
        await ExecuteAsync(database, "CREATE EXTENSION IF NOT EXISTS ltree");
    }

    /// <summary>What the monitor holds of each data node.</summary>
    public async Task<IReadOnlyList<FailoverNodeState>> StatesAsync()
    {
        await using var monitor = await OpenAsync(Monitor, "pg_auto_failover", TimeSpan.FromSeconds(10));
        await using var command = new NpgsqlCommand(
            "SELECT nodename, nodeport, reportedstate::text, goalstate::text FROM pgautofailover.node ORDER BY nodeid", monitor);
        await using var reader = await command.ExecuteReaderAsync();
        var states = new List<FailoverNodeState>();
        while (await reader.ReadAsync())
            states.Add(new FailoverNodeState(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3)));
        return states;
    }

    /// <summary>Polls the monitor until <paramref name="settled"/> holds; fails with the states and the keepers' logs otherwise.</summary>
    public async Task<IReadOnlyList<FailoverNodeState>> WaitForStatesAsync(Func<IReadOnlyList<FailoverNodeState>, bool> settled, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        IReadOnlyList<FailoverNodeState> states = [];
        while (deadline.Elapsed < timeout)
        {
            try
            {
                states = await StatesAsync();
                if (settled(states)) return states;
            }
            catch (NpgsqlException)
            {
                // The monitor is starting.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"pg_auto_failover did not settle within {timeout}: {string.Join("; ", states)}\n{Logs()}");
    }

    /// <summary>One text column of a query run as the superuser on <paramref name="node"/>, in the application's database.</summary>
    public async Task<IReadOnlyList<string>> ReadAsync(FailoverNode node, string sql)
    {
        await using var connection = await OpenAsync(node, DatabaseName, TimeSpan.FromSeconds(10));
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.IsDBNull(0) ? "" : reader.GetString(0));
        return values;
    }

    /// <summary>
    /// The primary's synchronous_standby_names and the sync_state of each standby it streams to: with one secondary
    /// pg_auto_failover sets <c>ANY 1 (pgautofailover_standby_N)</c>, so a COMMIT returns once the standby has its WAL.
    /// </summary>
    public async Task<(string StandbyNames, IReadOnlyList<string> SyncStates)> ReplicationAsync(FailoverNode primary) =>
        ((await ReadAsync(primary, "SHOW synchronous_standby_names")).Single(),
         await ReadAsync(primary, "SELECT sync_state FROM pg_stat_replication"));

    /// <summary><c>pg_autoctl show state</c>, as an operator reads it.</summary>
    public Task<string> ShowStateAsync() => AutoctlAsync("show", "state", "--pgdata", Monitor.DataDirectory);

    /// <summary>
    /// The node is gone at once, as when its machine dies: its keeper and every PostgreSQL process of it are stopped
    /// (SIGSTOP, so that none restarts another) and then killed (SIGKILL). Nothing is flushed, nothing is told.
    /// </summary>
    public async Task KillAsync(FailoverNode node)
    {
        var pids = ProcessesOf(node);
        // The keeper's log semaphore outlives a SIGKILL: removed now, while it is surely still this keeper's.
        var semaphore = KeeperSemaphore(node);
        await ProcessTree.RunAsync("kill", ["-STOP", .. pids.Select(Text)], throwOnFailure: false);
        await ProcessTree.RunAsync("kill", ["-KILL", .. pids.Select(Text)], throwOnFailure: false);
        // A backend the postmaster forked between the listing and the SIGSTOP (clients keep connecting) would hold the
        // node's shared memory, and pg_rewind's single-user start would then refuse the old primary: killed too.
        for (var round = 0; round < 5; round++)
        {
            var late = ProcessTree.PostgresWorkingIn(node.DataDirectory).Except(pids).ToList();
            if (late.Count == 0) break;
            await ProcessTree.RunAsync("kill", ["-KILL", .. late.Select(Text)], throwOnFailure: false);
            pids.AddRange(late);
        }
        var deadline = Stopwatch.StartNew();
        while (pids.Any(ProcessTree.IsAlive) && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
        if (semaphore is { } id) await ProcessTree.RunAsync("ipcrm", ["-s", id], throwOnFailure: false);
        if (_keepers.Remove(node.Name, out var keeper)) keeper.Dispose();
    }

    /// <summary>Starts the node's keeper again (<c>pg_autoctl run</c>); the monitor tells it what it is now.</summary>
    public void RestartKeeper(FailoverNode node) => StartKeeper(node);

    /// <summary>The last lines each keeper logged, for a failure's message.</summary>
    public string Logs() => string.Join("\n", new[] { Monitor }.Concat(Nodes).Select(node =>
    {
        var log = LogOf(node);
        if (!File.Exists(log)) return $"--- {node.Name}: no log";
        var lines = File.ReadAllLines(log);
        return $"--- {node.Name}:\n" + string.Join("\n", lines.Skip(Math.Max(0, lines.Length - 15)));
    }));

    public async ValueTask DisposeAsync()
    {
        // Asked to stop first (each keeper stops its PostgreSQL and removes its semaphore), killed if it does not.
        foreach (var node in Nodes.Append(Monitor).Where(node => _keepers.ContainsKey(node.Name)))
            await AutoctlAsync(throwOnFailure: false, "stop", "--pgdata", node.DataDirectory);
        foreach (var node in Nodes.Append(Monitor).Where(node => _keepers.ContainsKey(node.Name)))
        {
            var keeper = _keepers[node.Name];
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await keeper.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { }
            if (ProcessesOf(node).Count > 0) await KillAsync(node);
            if (_keepers.Remove(node.Name, out var stopped)) stopped.Dispose();
        }
        // A PostgreSQL left without its keeper (a failed start), found by its working folder.
        foreach (var node in Nodes.Append(Monitor))
            foreach (var pid in ProcessTree.PostgresWorkingIn(node.DataDirectory))
                await ProcessTree.RunAsync("kill", ["-KILL", Text(pid)], throwOnFailure: false);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void StartKeeper(FailoverNode node)
    {
        var start = PostgresUser("sh", ["-c", "exec pg_autoctl run --pgdata \"$1\" >>\"$2\" 2>&1", "sh", node.DataDirectory, LogOf(node)]);
        _keepers[node.Name] = Process.Start(start) ?? throw new InvalidOperationException($"pg_autoctl run did not start for {node.Name}.");
    }

    private string LogOf(FailoverNode node) => Path.Combine(_folder, $"{node.Name}.log");

    /// <summary>The keeper's pid file (under XDG_RUNTIME_DIR) names its log semaphore on its fifth line.</summary>
    private string? KeeperSemaphore(FailoverNode node)
    {
        var pidFile = Path.Combine(_folder, "run", "pg_autoctl", node.DataDirectory.TrimStart('/'), "pg_autoctl.pid");
        try
        {
            var lines = File.ReadAllLines(pidFile);
            return lines.Length > 4 && int.TryParse(lines[4], NumberStyles.None, CultureInfo.InvariantCulture, out _) ? lines[4] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The node's keeper with everything below it, and any PostgreSQL process working in its folder.</summary>
    private List<int> ProcessesOf(FailoverNode node) =>
        (_keepers.TryGetValue(node.Name, out var keeper) ? ProcessTree.Of(keeper.Id) : [])
        .Union(ProcessTree.PostgresWorkingIn(node.DataDirectory)).ToList();

    private async Task<NpgsqlConnection> OpenAsync(FailoverNode node, string database, TimeSpan timeout)
    {
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = node.Port, Database = database, Username = "postgres", Pooling = false, Timeout = 5,
        }.ConnectionString;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var connection = new NpgsqlConnection(connectionString);
            try
            {
                await connection.OpenAsync();
                return connection;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException && deadline.Elapsed < timeout)
            {
                await connection.DisposeAsync();
                await Task.Delay(200);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private Task<string> AutoctlAsync(params string[] arguments) => AutoctlAsync(throwOnFailure: true, arguments);

    private Task<string> AutoctlAsync(bool throwOnFailure, params string[] arguments)
    {
        var start = PostgresUser("pg_autoctl", arguments);
        return ProcessTree.RunAsync(start, throwOnFailure);
    }

    /// <summary>A command as the postgres user (PostgreSQL refuses root), with pg_autoctl's files kept in the cluster's folder.</summary>
    private ProcessStartInfo PostgresUser(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(IsRoot ? "runuser" : "env") { UseShellExecute = false, WorkingDirectory = _folder };
        var command = new List<string>();
        if (IsRoot) command.AddRange(["-u", "postgres", "--", "env"]);
        command.AddRange([
            $"XDG_CONFIG_HOME={Path.Combine(_folder, "config")}", $"XDG_DATA_HOME={Path.Combine(_folder, "data")}",
            $"XDG_RUNTIME_DIR={Path.Combine(_folder, "run")}", $"PATH={_binDirectory}:/usr/bin:/bin", program]);
        command.AddRange(arguments);
        foreach (var argument in command) start.ArgumentList.Add(argument);
        return start;
    }

    private static string Port(FailoverNode node) => Text(node.Port);

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
