using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data.Embedded;
using Npgsql;

namespace Aggregator.Api.Tests.Deployment;

/// <summary>
/// The image as deploy/Dockerfile builds it, started the way docker-compose.yml starts it: the one-shot migrate
/// service first, then the API and the worker, each with exactly the environment compose would give it
/// (the postgres service's address and the env file's passwords replaced by a throwaway cluster's).
/// </summary>
public sealed class PublishedImageTests(PublishedImage image) : IClassFixture<PublishedImage>
{
    private const string AdminKey = "agg_deploy-test-admin-key-0123456789abcdefghijklmnop";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Should_migrate_then_serve_reports_and_roll_them_up_with_the_compose_environment()
    {
        await using (var migrate = Start("migrate"))
            Assert.True(await migrate.WaitForExitAsync(StartTimeout) == 0, $"migrate failed:\n{migrate.Output}");

        var (apiPort, workerPort) = (FreePort(), FreePort());
        await using var api = Start("api", apiPort);
        await using var worker = Start("worker", workerPort);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        await WaitUntilReadyAsync(api, apiPort);
        await WaitUntilReadyAsync(worker, workerPort);

        // compose's own healthchecks, run as compose runs them inside each container.
        foreach (var (service, port) in new[] { ("api", apiPort), ("worker", workerPort) })
        {
            var test = DeploymentFiles.ComposeService(service)["healthcheck"]["test"].Items.Select(i => i.Text!).ToList();
            Assert.Equal("CMD", test[0]);
            await using var probe = AppProcess.StartProgram(image.OnDisk(test[1]), test[2..], new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = port.ToString() }, image.App);
            Assert.True(await probe.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, $"{service}'s healthcheck failed:\n{probe.Output}");
        }

        // The Kubernetes probes, on the routes and the port the manifests name.
        foreach (var (deployment, port) in new[] { ("aggregator-api", apiPort), ("aggregator-worker", workerPort) })
        foreach (var path in ProbePaths(deployment))
        {
            using var client = new HttpClient();
            var answer = await client.GetAsync($"http://127.0.0.1:{port}{path}");
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{deployment} {path}: {(int)answer.StatusCode}");
        }

        // The API runs no jobs (Aggregator__Jobs__RunServer=false): the worker must compute the rollup.
        var tenant = $"d{Random.Shared.Next(100_000, 999_999)}";
        await PostAsync(http, AdminKey, "/api/v1/tenants", new { code = tenant, name = "Deploy district", kind = "district" });
        await PostAsync(http, AdminKey, $"/api/v1/tenants/{tenant}/org-units", new { code = $"{tenant}01", name = "Sub-district", kind = "sub-district", parent = tenant });
        var reporter = (await PostAsync(http, AdminKey, $"/api/v1/tenants/{tenant}/api-keys", new { orgUnit = $"{tenant}01", role = "reporter", name = "reporter" })).GetProperty("key").GetString()!;
        var viewer = (await PostAsync(http, AdminKey, $"/api/v1/tenants/{tenant}/api-keys", new { orgUnit = tenant, role = "viewer", name = "viewer" })).GetProperty("key").GetString()!;
        await PostAsync(http, reporter, $"/api/v1/tenants/{tenant}/org-units/{tenant}01/reports/2017/versions",
            new { template = "bj-gip-2017", values = new Dictionary<string, int> { ["3.1"] = 3, ["3.1.1"] = 0, ["3.1.2"] = 0, ["3.1.3"] = 2, ["3.1.4"] = 1 } });

        var rollup = await WaitForRollupAsync(http, viewer, $"/api/v1/tenants/{tenant}/org-units/{tenant}/rollups/2017");
        var figure = JsonDocument.Parse(rollup).RootElement.GetProperty("values").GetProperty("3.1");
        Assert.Equal(3, figure.GetProperty("value").GetDecimal());
        Assert.Equal(1, figure.GetProperty("reporters").GetInt32());

        // deploy/tenant-dump.sh: the tenant's rows out as the owner, and into another, freshly migrated database.
        var dump = await RunScriptAsync(DeploymentFiles.Path("tenant-dump.sh"), [tenant], Libpq(image.Postgres.OwnerConnectionString));
        await using var target = await ScratchCluster.StartAsync("aggregator-restore-target");
        var migrateTarget = new Dictionary<string, string>(EnvironmentOf("migrate"))
        {
            ["ConnectionStrings__AggregatorOwner"] = target.OwnerConnectionString,
        };
        await using (var migrate = image.Start(["migrate"], migrateTarget))
            Assert.True(await migrate.WaitForExitAsync(StartTimeout) == 0, $"migrate (restore target) failed:\n{migrate.Output}");
        var dumpFile = Path.Combine(image.App, "..", $"tenant-{tenant}.sql");
        await File.WriteAllTextAsync(dumpFile, dump);
        var psql = Path.Combine(PostgresBinaries.FindBinDirectory()!, "psql");
        await RunScriptAsync(psql, ["-X", "-q", "-f", dumpFile], Libpq(target.OwnerConnectionString));

        foreach (var table in new[] { "tenants", "org_units", "api_keys", "reports", "report_versions", "report_values", "rollup_values", "audit_log" })
            Assert.Equal(await CountAsync(image.Postgres.OwnerConnectionString, table, tenant), await CountAsync(target.OwnerConnectionString, table, tenant));
        Assert.True(await CountAsync(target.OwnerConnectionString, "report_values", tenant) > 0);
    }

    private static IReadOnlyDictionary<string, string> Libpq(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new Dictionary<string, string>
        {
            ["PGHOST"] = builder.Host!, ["PGPORT"] = builder.Port.ToString(), ["PGDATABASE"] = builder.Database!,
            ["PGUSER"] = builder.Username!, ["PGPASSWORD"] = builder.Password!,
        };
    }

    private static async Task<string> RunScriptAsync(string program, string[] arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.Environment["PATH"] = PostgresBinaries.FindBinDirectory() + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
        return await output;
    }

    /// <summary>The tenant's rows in a table, read as the owner through the tenant's own scope (row-level security is forced).</summary>
    private static async Task<long> CountAsync(string ownerConnectionString, string table, string tenantCode)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var scope = new NpgsqlCommand("SELECT set_config('app.scope', 'platform', true)", connection, transaction))
            await scope.ExecuteNonQueryAsync();
        await using (var find = new NpgsqlCommand("SELECT set_config('app.tenant_id', (SELECT tenant_id::text FROM tenants WHERE code = $1), true)", connection, transaction) { Parameters = { new() { Value = tenantCode } } })
            await find.ExecuteNonQueryAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE tenant_id = nullif(current_setting('app.tenant_id'), '')::uuid", connection, transaction);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Should_refuse_to_migrate_with_only_the_app_connection_string()
    {
        await using var migrate = image.Start(["migrate"], EnvironmentOf("api"));

        Assert.Equal(2, await migrate.WaitForExitAsync(StartTimeout));
        Assert.Contains("ConnectionStrings:AggregatorOwner", migrate.Output);
    }

    [Fact]
    public void Should_publish_every_program_the_entrypoint_names_beside_its_settings_and_templates()
    {
        var script = File.ReadAllText(image.OnDisk(image.Final.Single("ENTRYPOINT").ExecForm[0]));
        foreach (var (folder, assembly) in new[] { ("api", "Aggregator.Api.dll"), ("worker", "Aggregator.Worker.dll") })
        {
            Assert.Contains($"cd \"$here/{folder}\"", script);
            Assert.Contains($"exec dotnet {assembly}", script);
            Assert.True(File.Exists(Path.Combine(image.App, folder, assembly)), $"{folder}/{assembly} is not in the published image");
            Assert.True(File.Exists(Path.Combine(image.App, folder, "appsettings.json")), $"{folder}/appsettings.json is not in the published image");
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(image.App, folder, "templates"), "*.json"));
        }
    }

    private AppProcess Start(string service, int? port = null)
    {
        var environment = new Dictionary<string, string>(EnvironmentOf(service));
        // The container's 8080 (the image's ASPNETCORE_HTTP_PORTS) moved to a free port of this machine.
        if (port is not null) environment["ASPNETCORE_HTTP_PORTS"] = port.Value.ToString();
        var command = DeploymentFiles.ComposeService(service)["command"].Items.Select(i => i.Text!).ToList();
        return image.Start(command, environment);
    }

    /// <summary>What compose gives the service: its env_file, then its environment, interpolated from the env file.</summary>
    private IReadOnlyDictionary<string, string> EnvironmentOf(string service)
    {
        var values = new Dictionary<string, string>(DeploymentFiles.EnvExample())
        {
            ["AGGREGATOR_OWNER_PASSWORD"] = new NpgsqlConnectionStringBuilder(image.Postgres.OwnerConnectionString).Password!,
            ["AGGREGATOR_APP_PASSWORD"] = new NpgsqlConnectionStringBuilder(image.Postgres.AppConnectionString).Password!,
            ["AGGREGATOR_ADMIN_KEY"] = AdminKey,
        };
        var definition = DeploymentFiles.ComposeService(service);
        var environment = new Dictionary<string, string>();
        foreach (var envFile in definition["env_file"].Items)
            Assert.Equal(".env", envFile.Text);   // the file .env.example is copied to
        foreach (var (name, value) in definition["environment"].Entries)
        {
            var text = DeploymentFiles.Interpolate(value.Text!, values);
            environment[name] = name.StartsWith("ConnectionStrings__", StringComparison.Ordinal) ? ToThrowawayCluster(text) : text;
        }
        return environment;
    }

    private string ToThrowawayCluster(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Assert.Equal("postgres", builder.Host);   // compose's postgres service
        builder.Host = "127.0.0.1";
        builder.Port = image.Postgres.Port;
        return builder.ConnectionString;
    }

    private static IEnumerable<string> ProbePaths(string deployment)
    {
        var container = DeploymentFiles.Manifest("Deployment", deployment)["spec"]["template"]["spec"]["containers"][0];
        return new[] { "startupProbe", "livenessProbe", "readinessProbe" }.Select(p => container[p]["httpGet"]["path"].Text!).Distinct();
    }

    private static async Task WaitUntilReadyAsync(AppProcess program, int port)
    {
        var address = await program.ReadyAsync(StartTimeout);
        Assert.Equal(port, address.Port);   // the image's ASPNETCORE_HTTP_PORTS, moved as compose maps it
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string key, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", key);
        var answer = await http.SendAsync(request);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.Created, $"POST {path}: {(int)answer.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<string> WaitForRollupAsync(HttpClient http, string key, string path)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Api-Key", key);
            var answer = await http.SendAsync(request);
            var text = await answer.Content.ReadAsStringAsync();
            if (answer.StatusCode == HttpStatusCode.OK && JsonDocument.Parse(text).RootElement.GetProperty("stale").GetBoolean() is false) return text;
            await Task.Delay(200);
        }
        throw new TimeoutException($"{path}: the worker did not compute the rollup");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
