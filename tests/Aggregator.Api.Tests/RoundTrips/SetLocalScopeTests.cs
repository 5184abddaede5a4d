using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data;
using Npgsql;
using Xunit.Abstractions;

namespace Aggregator.Api.Tests.RoundTrips;

/// <summary>
/// Aggregator:Database:ScopeCommand=SetLocal, the form Citus carries to its workers (citus.propagate_set_commands =
/// 'local'): the same service, on an API and cluster of its own, with every scope written as SET LOCAL in the first
/// command of its transaction. Keys, reports, revocation and row-level security work as with set_config, the scope
/// costs no round trip of its own, and the per-tenant SET texts are kept out of Npgsql's prepared statements.
/// </summary>
public sealed class SetLocalScopeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ApiFixture _api = ApiFixture.With(new Dictionary<string, string?> { ["Aggregator:Database:ScopeCommand"] = "SetLocal" });

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Should_store_a_report_version_in_at_most_eight_round_trips_with_the_tenant_set_by_set_local()
    {
        var data = new TestData(_api);
        var district = await data.DistrictAsync();
        var tenantId = await data.TenantIdAsync(district.Tenant);
        var reporter = _api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        // As ReportRoundTripTests counts it: no rollup queued for the year (the follow-up's claim runs after the answer, uncounted).
        await WaitUntilComputedAsync(district);

        using var counter = new RoundTripCounter();
        var (answer, trips) = await counter.CountAsync(() =>
            TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("1.1", 976)));

        await answer.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(2, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        output.WriteLine($"new version, scope by SET LOCAL: {trips.Count} round trips");
        foreach (var trip in trips) output.WriteLine($"  {trip}");
        Assert.InRange(trips.Count, 1, 8);
        // Each transaction's scope (the write's) went out with its first statement, not in a round
        // trip of its own.
        Assert.StartsWith($"command: SET LOCAL app.tenant_id = '{tenantId}'; ", trips[0]);
        Assert.Equal(trips.Count(t => t == "COMMIT"), trips.Count(t => t.StartsWith($"command: SET LOCAL app.tenant_id = '{tenantId}'; ", StringComparison.Ordinal)));
        Assert.DoesNotContain(trips, t => t.EndsWith("'", StringComparison.Ordinal) && t.Contains("SET LOCAL", StringComparison.Ordinal));
        Assert.DoesNotContain(trips, t => t.Contains("set_config", StringComparison.Ordinal));

        var current = await reporter.GetAsync(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        await current.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(976, (await current.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("values").GetProperty("1.1").GetDecimal());
    }

    private async Task WaitUntilComputedAsync(District district)
    {
        var viewer = _api.Client(district.Keys["viewer@root"]);
        var path = $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{SeedReport.Year}";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var response = await viewer.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.OK && !(await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stale").GetBoolean())
                return;
            await Task.Delay(50);
        }
        Assert.Fail($"The rollup of {district.Tenant} was not computed within 30 s.");
    }

    [Fact]
    public async Task Should_find_a_key_by_its_hash_and_stop_finding_it_once_revoked()
    {
        var data = new TestData(_api);
        var tenant = await data.TenantAsync();
        var (id, key) = await data.KeyAsync(tenant, tenant, "viewer");
        var admin = await data.KeyAsync(tenant, tenant, "tenant-admin");

        var me = await _api.Client(key).GetAsync("/api/v1/me");
        await me.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("viewer", body.GetProperty("role").GetString());
        Assert.Equal(tenant, body.GetProperty("tenant").GetProperty("code").GetString());

        await (await _api.Client(admin.Key).DeleteAsync($"/api/v1/tenants/{tenant}/api-keys/{id}")).ShouldHaveStatus(HttpStatusCode.NoContent);

        await (await _api.Client(key).GetAsync("/api/v1/me")).ShouldHaveStatus(HttpStatusCode.Unauthorized);
        await (await _api.Client(admin.Key).GetAsync("/api/v1/me")).ShouldHaveStatus(HttpStatusCode.OK);
        // The lookup row went with the key: revoked, in the same transaction.
        await using var db = await _api.TenantDb.BeginAsync(await data.TenantIdAsync(tenant), CancellationToken.None);
        Assert.NotNull(await db.ExecuteScalarAsync<DateTime?>("SELECT revoked_at FROM api_key_hashes WHERE tenant_id = @tenantId AND api_key_id = @id",
            new { tenantId = db.Tenant, id = Guid.Parse(id) }));
    }

    [Fact]
    public async Task Should_show_a_tenant_only_its_own_rows_and_a_public_reader_of_an_impossible_code_nothing()
    {
        var data = new TestData(_api);
        var a = await data.TenantIdAsync(await data.TenantAsync());
        var b = await data.TenantIdAsync(await data.TenantAsync());
        Assert.NotEqual(a, b);

        await using (var db = await _api.TenantDb.BeginAsync(a, CancellationToken.None))
        {
            Assert.Equal([a], await db.QueryAsync<Guid>("SELECT DISTINCT tenant_id FROM org_units"));
            Assert.Equal(a.ToString(), await db.ExecuteScalarAsync<string>("SELECT current_setting('app.tenant_id')"));
        }
        // One read outside a transaction of the caller's: under SET LOCAL, a transaction of its own all the same.
        var units = await _api.TenantDb.ReadOneAsync<long>(b, "SELECT count(*) FROM org_units WHERE tenant_id <> @b", new Dapper.DynamicParameters(new { b }), CancellationToken.None);
        Assert.Equal(0, units);

        // A code with a quote cannot be a tenant's: it is presented as none, never written into the SET.
        await using (var db = await _api.TenantDb.BeginPublicReadAsync("x' ; RESET ALL; --", CancellationToken.None))
        {
            Assert.Equal("", await db.ExecuteScalarAsync<string>("SELECT current_setting('app.public_tenant')"));
            Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM tenants"));
        }
        await (await _api.Client().GetAsync("/public/v1/x%27%20%3B%20RESET%20ALL")).ShouldHaveStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_keep_the_per_tenant_set_statements_out_of_the_prepared_statements()
    {
        // The service: automatic preparation off under SetLocal (no Max Auto Prepare in the connection string).
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(_api.AppDataSource.ConnectionString).MaxAutoPrepare);

        // Why: with the default preparation (50 statements, prepared on their 2nd use), each tenant's SET LOCAL is a
        // statement text of its own and takes a slot of the connection's cache.
        var prepared = new NpgsqlConnectionStringBuilder(_api.Postgres.AppConnectionString)
        {
            MaxPoolSize = 1, MaxAutoPrepare = 50, AutoPrepareMinUsages = 2,
        };
        await using var dataSource = NpgsqlDataSource.Create(prepared.ConnectionString);
        var tenantDb = new TenantDb(dataSource, scopeCommand: ScopeCommand.SetLocal);
        var tenants = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        IReadOnlyList<string> statements = [];
        foreach (var tenant in tenants)
            for (var use = 0; use < 2; use++)
            {
                await using var db = await tenantDb.BeginAsync(tenant, CancellationToken.None);
                statements = (await db.QueryAsync<string>("SELECT statement FROM pg_prepared_statements")).ToList();
                await db.CommitAsync();
            }
        output.WriteLine("prepared with Max Auto Prepare=50 under SetLocal:\n  " + string.Join("\n  ", statements));
        Assert.Equal(tenants.Count, statements.Count(s => s.StartsWith("SET LOCAL app.tenant_id", StringComparison.Ordinal)));
    }
}
