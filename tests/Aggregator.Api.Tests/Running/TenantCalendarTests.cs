using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests.Running;

/// <summary>
/// Which years a report may be stored for depends on the year where the tenant is, not in UTC: a district in
/// Beijing enters 2027 eight hours before Greenwich does.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TenantCalendarTests(ApiFixture api) : IAsyncLifetime
{
    private static readonly DateTimeOffset ShanghaiNewYearsEveLate = new(2026, 12, 31, 15, 30, 0, TimeSpan.Zero);   // 23:30 in Beijing
    private static readonly DateTimeOffset ShanghaiNewYearsDayEarly = new(2026, 12, 31, 17, 0, 0, TimeSpan.Zero);   // 01:00 on 1 January in Beijing

    private readonly SettableClock _clock = new();
    private ClockedApiFactory _factory = null!;
    private readonly TestData _data = new(api);

    public Task InitializeAsync()
    {
        // The fixture's database, a clock of this test's; no job server: nothing here needs one.
        _factory = new ClockedApiFactory(api.Postgres.AppConnectionString, _clock);
        _factory.StartServer();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_refuse_a_report_for_a_year_that_has_not_begun_where_the_tenant_is()
    {
        var (tenant, org, key) = await ReporterAsync(timeZone: null);
        _clock.Now = ShanghaiNewYearsEveLate;

        var response = await Post(key, tenant, org, 2027);

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("year", error.GetProperty("name").GetString());
        Assert.Contains("between 2008 and 2026", error.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Should_refuse_the_new_year_of_greenwich_to_a_tenant_still_in_the_old_one()
    {
        // 02:00 UTC on 1 January 2027 is 21:00 on New Year's Eve in New York: a calendar read in UTC would accept 2027.
        var (tenant, org, key) = await ReporterAsync(timeZone: "America/New_York");
        _clock.Now = new DateTimeOffset(2027, 1, 1, 2, 0, 0, TimeSpan.Zero);

        var refused = await Post(key, tenant, org, 2027);
        var accepted = await Post(key, tenant, org, 2026);

        await refused.ShouldBeProblem(HttpStatusCode.BadRequest);
        await accepted.ShouldHaveStatus(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Should_accept_a_report_for_the_year_that_has_just_begun_where_the_tenant_is()
    {
        var (tenant, org, key) = await ReporterAsync(timeZone: null);
        _clock.Now = ShanghaiNewYearsDayEarly;

        var response = await Post(key, tenant, org, 2027);

        await response.ShouldHaveStatus(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Should_keep_the_calendar_of_the_time_zone_the_tenant_was_created_with()
    {
        var (tenant, org, key) = await ReporterAsync(timeZone: "Europe/London");
        _clock.Now = ShanghaiNewYearsDayEarly;

        var refused = await Post(key, tenant, org, 2027);
        var read = await Admin().GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}");

        await refused.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal("Europe/London", read.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task Should_give_a_new_tenant_the_time_zone_of_china_by_default()
    {
        var (tenant, _, _) = await ReporterAsync(timeZone: null);

        var read = await Admin().GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}");

        Assert.Equal("Asia/Shanghai", read.GetProperty("timeZone").GetString());
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("../../etc/passwd")]
    [InlineData("China Standard Time")]
    public async Task Should_refuse_a_tenant_in_a_time_zone_that_does_not_exist(string timeZone)
    {
        var response = await Admin().PostAsJsonAsync("/api/v1/tenants",
            new { code = TestData.UniqueCode("tz"), name = "西城区", kind = "district", timeZone });

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Contains("timeZone", problem.GetRawText());
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private HttpClient Admin() => Client(ApiFixture.AdminKey);

    private HttpClient Client(string key)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en"); // the assertions read the English texts
        return client;
    }

    private async Task<(string Tenant, string Org, string Key)> ReporterAsync(string? timeZone)
    {
        var tenant = TestData.UniqueCode("tz");
        var created = await api.Admin().PostAsJsonAsync("/api/v1/tenants", new { code = tenant, name = "西城区", kind = "district", timeZone });
        await created.ShouldHaveStatus(HttpStatusCode.Created);
        var org = await _data.OrgUnitAsync(tenant);
        var (_, key) = await _data.KeyAsync(tenant, org, "reporter");
        return (tenant, org, key);
    }

    private Task<HttpResponseMessage> Post(string key, string tenant, string org, int year) =>
        Client(key).PostAsJsonAsync($"{TestData.ReportPath(tenant, org, year)}/versions",
            new { template = "cn-gip-2021", values = new Dictionary<string, decimal?> { ["2.5.1:decisions"] = 3 } });

    private sealed class ClockedApiFactory(string connectionString, TimeProvider clock) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:Aggregator", connectionString);
            builder.UseSetting("Aggregator:BootstrapAdminKey", ApiFixture.AdminKey);
            builder.UseSetting("Aggregator:Jobs:RunServer", "false");
            builder.UseEnvironment("Testing");
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }

    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
