using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Auth;
using Aggregator.Api.Generations;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Aggregator.Api.Tests.Running;

/// <summary>
/// The API and a worker process behind Debian's PgBouncer 1.18 in transaction mode, as deploy/README.md describes:
/// requests and jobs through the pooler, with automatic preparation off; LISTEN and Hangfire on
/// Aggregator:Database:DirectConnectionString. One cluster, PgBouncer, API and worker for the class; the worker is the
/// only Hangfire server of the rollups (the API serves only its imports), so every rollup here is its work.
/// </summary>
public sealed class PgBouncerTests(PgBouncerTests.Bounced bounced) : IClassFixture<PgBouncerTests.Bounced>
{
    private readonly ApiFixture _api = bounced.Api;
    private static readonly decimal Seed11 = SeedReport.Values.Single(pair => pair.Key == "1.1").Value!.Value;

    private PgBouncer Bouncer => _api.PgBouncer!;

    /// <summary>
    /// An API through PgBouncer whose keys stay cached for ten minutes (only a LISTEN can evict one in time), and a worker
    /// through the same PgBouncer that runs the jobs.
    /// </summary>
    public sealed class Bounced : IAsyncLifetime
    {
        public ApiFixture Api { get; } = ApiFixture.ThroughPgBouncer(new Dictionary<string, string?>
        {
            ["Aggregator:Auth:KeyCacheTtl"] = "00:10:00",
            ["Aggregator:Jobs:RunServer"] = "false",
        });

        public AppProcess Worker { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await Api.InitializeAsync();
            Worker = AppProcess.Start(AppProcess.WorkerAssembly, new Dictionary<string, string>
            {
                ["ConnectionStrings__Aggregator"] = Api.PgBouncer!.ConnectionString,
                ["Aggregator__Database__DirectConnectionString"] = Api.Postgres.AppConnectionString,
                ["Aggregator__Jobs__SweepCron"] = "0 0 31 2 *",
            });
            await Worker.ReadyAsync();
        }

        public async Task DisposeAsync()
        {
            if (Worker is not null) await Worker.DisposeAsync();
            await Api.DisposeAsync();
        }
    }

    [Fact]
    public async Task Should_store_and_read_reports_and_compute_the_rollup_through_pgbouncer()
    {
        var data = new TestData(_api);
        var district = await data.DistrictAsync();
        var xactsBefore = await TransactionsThroughBouncerAsync();

        var reporterA = _api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporterA, district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var reporterB = _api.Client((await data.KeyAsync(district.Tenant, district.SubDistrictB, "reporter")).Key);
        await (await TestData.PostReportAsync(reporterB, district.Tenant, district.SubDistrictB, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var read = await reporterA.GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal(Seed11, read.GetProperty("values").GetProperty("1.1").GetDecimal());

        // The worker's rollup job (Hangfire on the direct connection, its SQL through the pooler) stores the sum.
        var rollup = await ComputedRollupAsync(district);
        Assert.Equal(2 * Seed11, rollup.GetProperty("values").GetProperty("1.1").GetProperty("value").GetDecimal());
        Assert.Equal(2, rollup.GetProperty("values").GetProperty("1.1").GetProperty("reporters").GetInt32());

        Assert.True(await TransactionsThroughBouncerAsync() > xactsBefore,
            "PgBouncer counted no transaction of the app role while the API stored and read reports");
        // Every Hangfire server but the API's own imports server (always in the API) is the worker's.
        var servers = (await HangfireServersAsync()).Where(server => !server.Contains(":imports:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(servers);
        Assert.All(servers, server => Assert.Contains($":{bounced.Worker.Id}:", server));
    }

    [Fact]
    public async Task Should_hold_its_listeners_on_direct_connections_and_its_requests_on_pgbouncers()
    {
        var data = new TestData(_api);
        var district = await data.DistrictAsync();
        await (await _api.Client(district.Keys["viewer@root"]).GetAsync($"/api/v1/tenants/{district.Tenant}/org-units"))
            .ShouldHaveStatus(HttpStatusCode.OK);

        // PgBouncer's server connections are the backends whose client port is one of its local ports.
        var bouncerPorts = (await Bouncer.ShowAsync("SERVERS")).Select(server => int.Parse(server["local_port"], CultureInfo.InvariantCulture)).ToHashSet();
        var backends = await BackendsAsync();
        Assert.Contains(backends, backend => bouncerPorts.Contains(backend.Port));
        foreach (var listener in new[] { KeyRevocationListener.ApplicationName, FigureGenerationListener.ApplicationName })
        {
            var own = backends.Where(backend => backend.Application == listener).ToList();
            Assert.True(own.Count > 0, $"{listener} has no backend of its own");
            Assert.All(own, backend => Assert.DoesNotContain(backend.Port, bouncerPorts));
        }
        // No client of PgBouncer is a listener.
        Assert.DoesNotContain(await Bouncer.ShowAsync("CLIENTS"), client =>
            client.GetValueOrDefault("application_name") is KeyRevocationListener.ApplicationName or FigureGenerationListener.ApplicationName);
        // Readiness checks the direct connection too: the listeners and Hangfire need it.
        using var ready = await _api.Client().GetAsync("/health/ready");
        await ready.ShouldHaveStatus(HttpStatusCode.OK);
        var direct = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("database-direct");
        Assert.Equal("Healthy", direct.GetProperty("status").GetString());
        Assert.Contains("Direct connection reachable", direct.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Should_refuse_a_revoked_key_on_another_replica_at_once_through_its_direct_listener()
    {
        var data = new TestData(_api);
        var district = await data.DistrictAsync();
        var (id, key) = await data.KeyAsync(district.Tenant, district.Tenant, "viewer");
        await using var replica = _api.Replica(_ => { });
        var listener = replica.Services.GetRequiredService<KeyRevocationListener>();
        var clock = Stopwatch.StartNew();
        while (listener.Connections == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the replica's key revocation listener did not connect");
            await Task.Delay(20);
        }
        using var client = replica.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        await (await client.GetAsync("/api/v1/me")).ShouldHaveStatus(HttpStatusCode.OK);
        Assert.True(replica.Services.GetRequiredService<KeyCache>().TryGet(Convert.ToHexStringLower(ApiKeySecret.Hash(key)), out _),
            "the replica remembers the key after using it");

        await (await _api.Admin().DeleteAsync($"/api/v1/tenants/{district.Tenant}/api-keys/{id}")).ShouldHaveStatus(HttpStatusCode.NoContent);

        // The replica caches the key for ten minutes: within two seconds only the NOTIFY it heard can refuse it.
        clock.Restart();
        HttpStatusCode status;
        do
        {
            status = (await client.GetAsync("/api/v1/me")).StatusCode;
            if (status == HttpStatusCode.Unauthorized) break;
            await Task.Delay(20);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        // Heard, not forgotten: a listener that reconnects drops every cached key, which would refuse it too.
        Assert.Equal(1, listener.Connections);
    }

    [Fact]
    public async Task Should_prepare_no_statement_on_any_of_pgbouncers_server_connections()
    {
        var data = new TestData(_api);
        var district = await data.DistrictAsync();
        var viewer = _api.Client(district.Keys["viewer@root"]);
        // The same statements many times over: with automatic preparation on, Npgsql would prepare them after two uses.
        for (var i = 0; i < 10; i++)
            await (await viewer.GetAsync($"/api/v1/tenants/{district.Tenant}/org-units")).ShouldHaveStatus(HttpStatusCode.OK);

        // Hold one transaction per server connection PgBouncer has, so that every one of them is asked.
        var servers = (await Bouncer.ShowAsync("SERVERS")).Count;
        Assert.True(servers > 0, "PgBouncer holds no server connection after the API's requests");
        var unprepared = new NpgsqlConnectionStringBuilder(Bouncer.ConnectionString) { Pooling = false, MaxAutoPrepare = 0 }.ConnectionString;
        var connections = new List<NpgsqlConnection>();
        try
        {
            var prepared = new List<(int Pid, long Count)>();
            for (var i = 0; i < servers; i++)
            {
                var connection = new NpgsqlConnection(unprepared);
                connections.Add(connection);
                await connection.OpenAsync();
                await using (var begin = new NpgsqlCommand("BEGIN", connection)) await begin.ExecuteNonQueryAsync();
                await using var ask = new NpgsqlCommand("SELECT pg_backend_pid(), (SELECT count(*) FROM pg_prepared_statements)", connection);
                await using var reader = await ask.ExecuteReaderAsync();
                await reader.ReadAsync();
                prepared.Add((reader.GetInt32(0), reader.GetInt64(1)));
            }
            Assert.Equal(servers, prepared.Select(server => server.Pid).Distinct().Count());
            Assert.All(prepared, server => Assert.Equal(0, server.Count));
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }
        var pooled = new NpgsqlConnectionStringBuilder(_api.AppDataSource.ConnectionString);
        Assert.Equal(0, pooled.MaxAutoPrepare);
        Assert.True(pooled.NoResetOnClose);
    }

    private async Task<JsonElement> ComputedRollupAsync(District district)
    {
        var viewer = _api.Client(district.Keys["viewer@root"]);
        var path = $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{SeedReport.Year}";
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await viewer.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var rollup = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (!rollup.GetProperty("stale").GetBoolean()
                    && rollup.GetProperty("values").TryGetProperty("1.1", out var value) && value.GetProperty("reporters").GetInt32() == 2)
                    return rollup;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the rollup was not computed within 30 s (last answer {(int)response.StatusCode})");
            await Task.Delay(100);
        }
    }

    /// <summary>The ids of the Hangfire servers registered in the database (name:pid:…).</summary>
    private async Task<List<string>> HangfireServersAsync()
    {
        await using var connection = new NpgsqlConnection(_api.Postgres.AppConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM hangfire.server", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var servers = new List<string>();
        while (await reader.ReadAsync()) servers.Add(reader.GetString(0));
        return servers;
    }

    /// <summary>PgBouncer's count of transactions of the app role's database since it started.</summary>
    private async Task<long> TransactionsThroughBouncerAsync() =>
        (await Bouncer.ShowAsync("STATS")).Where(row => row["database"] != "pgbouncer")
            .Sum(row => long.Parse(row["total_xact_count"], CultureInfo.InvariantCulture));

    /// <summary>The app role's backends as PostgreSQL sees them (asked on a direct connection, not through the pooler).</summary>
    private async Task<List<(int Port, string Application)>> BackendsAsync()
    {
        await using var connection = new NpgsqlConnection(_api.Postgres.AppConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT client_port, application_name FROM pg_stat_activity WHERE usename = current_user AND pid <> pg_backend_pid()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var backends = new List<(int, string)>();
        while (await reader.ReadAsync()) backends.Add((reader.IsDBNull(0) ? -1 : reader.GetInt32(0), reader.GetString(1)));
        return backends;
    }
}
