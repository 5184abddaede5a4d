using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>
/// Aggregator:Database:ReadReplicas without a real standby (Faults/StandbyReadTests has one): a listed server whose
/// generations match serves the figure reads, one that is unreachable leaves them to the primary, and a malformed entry
/// stops start-up.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ReadReplicaTests(ApiFixture api)
{
    private const int Year = SeedReport.Year;
    private readonly ReportRows _rows = new(api);

    [Fact]
    public async Task Should_read_figures_from_a_listed_server_whose_generations_are_the_primarys()
    {
        var (district, tenantId) = await ReportedDistrictAsync(1_234);
        // The primary itself, listed as a standby: always as new as the primary, so it answers every figure read.
        await using var replica = api.Replica(services => services.PostConfigure<ReadReplicaOptions>(o => o.ReadReplicas = [api.Postgres.AppConnectionString]));
        var replicas = replica.Services.GetRequiredService<ReadReplicas>();
        await _rows.WaitForGenerationsAsync(tenantId, Year, replica.Services);

        Assert.Equal(1_234m, await RootValueAsync(replica, district));
        Assert.Equal(1, replicas.All.Single().Served);
        Assert.Equal(0, replicas.PrimaryReads);

        // A unit outside the caller's scope is refused by the primary's scope check, before any standby is asked.
        using var outside = Client(replica, district.Keys["viewer@a"]);
        using var refused = await outside.GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}");
        await refused.ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal(1, replicas.All.Single().Served);
    }

    [Fact]
    public async Task Should_answer_figure_reads_from_the_primary_while_a_listed_standby_is_unreachable()
    {
        var (district, tenantId) = await ReportedDistrictAsync(4_321);
        var unreachable = new NpgsqlConnectionStringBuilder(api.Postgres.AppConnectionString) { Port = ClosedLoopbackPort() }.ConnectionString;
        await using var replica = api.Replica(services => services.PostConfigure<ReadReplicaOptions>(o => o.ReadReplicas = [unreachable]));
        var replicas = replica.Services.GetRequiredService<ReadReplicas>();
        await _rows.WaitForGenerationsAsync(tenantId, Year, replica.Services);

        Assert.Equal(4_321m, await RootValueAsync(replica, district));
        Assert.Equal(1, replicas.All.Single().Failed);
        Assert.Equal(0, replicas.All.Single().Served);
        Assert.Equal(1, replicas.PrimaryReads);

        using var ready = await replica.CreateClient().GetAsync("/health/ready");
        await ready.ShouldHaveStatus(HttpStatusCode.OK);
        var health = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        Assert.Contains($"127.0.0.1:{new NpgsqlConnectionStringBuilder(unreachable).Port}",
            health.GetProperty("checks").GetProperty("read-replicas").GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("not a connection string")]
    [InlineData("Host=")]
    public void Should_refuse_to_start_with_a_read_replica_that_names_no_server(string entry)
    {
        var error = Assert.ThrowsAny<Exception>(() =>
        {
            using var replica = api.Replica(services => services.PostConfigure<ReadReplicaOptions>(o => o.ReadReplicas = [entry]));
        });
        Assert.Contains("Aggregator:Database:ReadReplicas", error.ToString());
    }

    [Fact]
    public async Task Should_rest_a_failing_standby_one_second_then_two_and_let_one_read_try_it_when_the_rest_is_over()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");
        var standby = new ReadReplica("127.0.0.1:1", dataSource, time);
        var logger = NullLogger.Instance;
        Assert.True(standby.TryClaim());

        standby.RecordFailed(new TimeoutException("gone"), logger);
        Assert.True(standby.IsBackingOff);
        Assert.Equal("gone", standby.Down);
        Assert.False(standby.TryClaim());
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(standby.TryClaim());
        time.Advance(TimeSpan.FromMilliseconds(1));
        // One read tries it; the others meanwhile go on to the next source.
        Assert.True(standby.TryClaim());
        Assert.False(standby.TryClaim());

        standby.RecordFailed(new TimeoutException("still gone"), logger);
        time.Advance(TimeSpan.FromMilliseconds(1_999));
        Assert.False(standby.TryClaim());
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(standby.TryClaim());

        standby.RecordServed(logger);
        Assert.False(standby.IsBackingOff);
        Assert.Null(standby.Down);
        Assert.True(standby.TryClaim());
        Assert.True(standby.TryClaim());
        Assert.Equal(2, standby.Failed);
        Assert.Equal(1, standby.Served);
    }

    private async Task<(District District, Guid TenantId)> ReportedDistrictAsync(int applications)
    {
        var district = await new TestData(api).DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        using var reporter = api.Client(district.Keys["reporter@a"]);
        using var posted = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", applications));
        await posted.ShouldHaveStatus(HttpStatusCode.Created);
        await _rows.WaitForFiguresAsync(tenantId, Year);
        return (district, tenantId);
    }

    private static async Task<decimal> RootValueAsync(ApiFactory replica, District district)
    {
        using var viewer = Client(replica, district.Keys["viewer@root"]);
        using var answer = await viewer.GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}");
        await answer.ShouldHaveStatus(HttpStatusCode.OK);
        return (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("values").GetProperty("1.1").GetProperty("value").GetDecimal();
    }

    private static HttpClient Client(ApiFactory factory, string key)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        return client;
    }

    /// <summary>A loopback port nothing listens on (taken from the kernel, then given back).</summary>
    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
