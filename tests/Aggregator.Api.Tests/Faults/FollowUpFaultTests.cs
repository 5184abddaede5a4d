using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests.Faults;

/// <summary>
/// A transient database fault right after a write committed, in its follow-up (queuing the rollup): the write stands and
/// is answered as stored, never 503 "nothing was stored". The follow-up is retried, then logged; the sweep catches up.
/// </summary>
public sealed class FollowUpFaultTests : IAsyncLifetime
{
    private readonly ApiFixture _api = ApiFixture.With(
        new Dictionary<string, string?>
        {
            // Quick retries: the follow-up fails every one of them.
            ["Aggregator:Database:RetryBaseDelay"] = "00:00:00.010",
            ["Aggregator:Database:RetryMaxDelay"] = "00:00:00.050",
        },
        services => services.AddSingleton<FaultyFollowUp>().AddSingleton<IFiguresObserver>(s => s.GetRequiredService<FaultyFollowUp>()));

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    private FaultyFollowUp Faults => _api.Factory.Services.GetRequiredService<FaultyFollowUp>();

    [Fact]
    public async Task Should_answer_an_accept_as_accepted_when_the_database_fails_right_after_its_commit()
    {
        var district = await new TestData(_api).DistrictAsync();
        await SetReviewAsync(district, "required");
        await (await TestData.PostReportAsync(_api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);

        Faults.FailAlways();
        var accepted = await _api.Client(district.Keys["reviewer@root"])
            .PostAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions/1/accept", null);

        await accepted.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("accepted", (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.True(Faults.Calls > 1, "the follow-up met the fault and was retried");
        var current = await _api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal("accepted", current.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_answer_a_new_org_unit_as_created_when_the_database_fails_right_after_its_commit()
    {
        var district = await new TestData(_api).DistrictAsync();
        // A reported year, whose completeness the new unit changes: its rollup is the follow-up.
        await (await TestData.PostReportAsync(_api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var admin = _api.Client(district.Keys["tenant-admin@root"]);
        var code = TestData.UniqueCode("u");

        Faults.FailAlways();
        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/org-units",
            new { code, name = "白纸坊街道", kind = "sub-district", parent = district.Tenant });

        await created.ShouldHaveStatus(HttpStatusCode.Created);
        // The rollups of a tree change wait in memory until the tree is quiet (TreeChanges), so the fault meets them
        // later, off the request: nothing after the COMMIT can turn the stored unit into an error answer.
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (Faults.Calls == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(Faults.Calls > 0, "the follow-up ran, after the answer, and met the fault");
        await (await admin.GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{code}")).ShouldHaveStatus(HttpStatusCode.OK);
        // Sent again, it is a conflict: it was stored once, not "nothing was stored".
        await (await admin.PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/org-units",
            new { code, name = "白纸坊街道", kind = "sub-district", parent = district.Tenant })).ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Should_answer_a_settings_change_as_made_when_the_database_fails_right_after_its_commit()
    {
        var district = await new TestData(_api).DistrictAsync();
        await SetReviewAsync(district, "required");
        await (await TestData.PostReportAsync(_api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);

        Faults.FailAlways();
        var changed = await _api.Client(district.Keys["tenant-admin@root"])
            .PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review = "off" });

        await changed.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("off", (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("review").GetString());
        Assert.True(Faults.Calls > 1, "the follow-up met the fault and was retried");
        // Turning review off accepted the waiting version, and that was committed with the setting.
        var current = await _api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal("accepted", current.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_answer_a_new_version_as_created_when_the_database_fails_right_after_its_commit()
    {
        var district = await new TestData(_api).DistrictAsync();
        Faults.FailAlways();

        var stored = await TestData.PostReportAsync(_api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA,
            TestData.ReportFor(), idempotencyKey: "after-commit-1");

        await stored.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.True(Faults.Calls > 1, "the follow-up met the fault and was retried");
        Assert.Equal(1, await new TestData(_api).VersionCountAsync(district, district.SubDistrictA));
    }

    private async Task SetReviewAsync(District district, string review) =>
        await (await _api.Client(district.Keys["tenant-admin@root"])
            .PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review })).ShouldHaveStatus(HttpStatusCode.OK);
}
