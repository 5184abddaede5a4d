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

    private static HttpClient Client(ApiFactory factory, string key)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
