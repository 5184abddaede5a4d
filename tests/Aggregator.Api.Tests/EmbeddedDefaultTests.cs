using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data.Embedded;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Api.Tests;

/// <summary>
/// The one-command run: no connection string, so the API starts its own PostgreSQL in the data folder,
/// stops it on shutdown, and finds its data again on the next start.
/// </summary>
public sealed class EmbeddedDefaultTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"aggregator-embedded-{Guid.NewGuid():N}");

    [Fact]
    public async Task Should_keep_its_data_across_a_restart_on_the_same_folder()
    {
        string adminKey;
        await using (var first = NewFactory())
        {
            first.StartServer();
            adminKey = (await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "bootstrap-admin-key"))).Trim();
            var client = Client(first, adminKey);
            await (await client.GetAsync("/health/ready")).ShouldHaveStatus(HttpStatusCode.OK);
            var created = await client.PostAsJsonAsync("/api/v1/tenants", new { code = "110102", name = "西城区", kind = "district" });
            await created.ShouldHaveStatus(HttpStatusCode.Created);
        }

        Assert.False(File.Exists(Path.Combine(_dataDirectory, "pg", "postmaster.pid")), "the cluster was stopped with the API: " + File.ReadAllText(Path.Combine(_dataDirectory, "pg", "server.log")));

        await using var second = NewFactory();
        second.StartServer();
        var tenant = await Client(second, adminKey).GetFromJsonAsync<JsonElement>("/api/v1/tenants/110102");
        Assert.Equal("西城区", tenant.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Should_keep_the_generated_admin_key_readable_by_its_owner_only()
    {
        await using var factory = NewFactory();
        factory.StartServer();

        var mode = File.GetUnixFileMode(Path.Combine(_dataDirectory, "bootstrap-admin-key"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public async Task Should_refuse_a_second_instance_on_the_same_folder_and_keep_the_first_one_serving()
    {
        await using var first = NewFactory();
        first.StartServer();
        var adminKey = (await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "bootstrap-admin-key"))).Trim();

        await using var second = StartApiProcess();
        var exitCode = await second.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1, exitCode);
        var said = Assert.Single(second.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains($"pid {Environment.ProcessId}", said);
        Assert.Contains($":{first.CreateClient().BaseAddress!.Port}", said);
        var client = Client(first, adminKey);
        await (await client.GetAsync("/health/ready")).ShouldHaveStatus(HttpStatusCode.OK);
        var created = await client.PostAsJsonAsync("/api/v1/tenants", new { code = "110102", name = "西城区", kind = "district" });
        await created.ShouldHaveStatus(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_recover_a_folder_left_by_a_killed_instance(bool itsPostgresDiedToo)
    {
        await using (var killed = StartApiProcess())
        {
            await killed.ListeningAsync();
            await killed.KillAsync();
        }
        // Left behind: the lock file, postmaster.pid, and a PostgreSQL still running unless it died too.
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "aggregator.lock")));
        var postmasterPid = Path.Combine(_dataDirectory, "pg", "postmaster.pid");
        if (itsPostgresDiedToo)
        {
            using var postmaster = System.Diagnostics.Process.GetProcessById(int.Parse((await File.ReadAllLinesAsync(postmasterPid))[0]));
            postmaster.Kill();
            await postmaster.WaitForExitAsync();
        }
        Assert.True(File.Exists(postmasterPid));

        await using var next = NewFactory();
        next.StartServer();
        var adminKey = (await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "bootstrap-admin-key"))).Trim();
        await (await Client(next, adminKey).GetAsync("/health/ready")).ShouldHaveStatus(HttpStatusCode.OK);
        await (await Client(next, adminKey).GetAsync("/api/v1/tenants")).ShouldHaveStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_print_where_the_generated_admin_key_is_kept_but_not_the_key()
    {
        await using var api = StartApiProcess();
        await api.ListeningAsync();
        var file = Path.Combine(_dataDirectory, "bootstrap-admin-key");
        var key = (await File.ReadAllTextAsync(file)).Trim();
        await StopGracefullyAsync(api);

        Assert.DoesNotContain(key, api.Output);
        Assert.Contains(key[..8] + "…", api.Output);
        Assert.Contains(file, api.Output);
    }

    [Fact]
    public async Task Should_say_how_to_install_postgresql_when_its_binaries_are_missing()
    {
        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(() =>
            EmbeddedPostgres.StartAsync(_dataDirectory, NullLogger.Instance, binDirectory: "/nonexistent/postgresql/bin"));

        Assert.Contains("apt-get install -y postgresql", error.Message);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private ApiFactory NewFactory() => new(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Aggregator"] = "",
        ["Aggregator:DataDirectory"] = _dataDirectory,
    });

    /// <summary>The README's run command, on this test's folder and a free port.</summary>
    private AppProcess StartApiProcess() => AppProcess.Start(AppProcess.ApiAssembly, new Dictionary<string, string>
    {
        ["ConnectionStrings__Aggregator"] = "",
        ["Aggregator__DataDirectory"] = _dataDirectory,
    }, "--urls", "http://127.0.0.1:0");

    /// <summary>SIGTERM, as systemd or docker stop would: the API stops its PostgreSQL on the way out.</summary>
    private static async Task StopGracefullyAsync(AppProcess api)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", api.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        await api.WaitForExitAsync(TimeSpan.FromMinutes(1));
    }

    private static HttpClient Client(ApiFactory factory, string key)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
