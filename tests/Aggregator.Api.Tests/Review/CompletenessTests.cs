using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Features.Deadlines;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Aggregator.Api.Tests.Review;

/// <summary>Deadlines, timeliness and completeness as the district office reads them, and the audit log.</summary>
[Collection(ApiCollection.Name)]
public sealed class CompletenessTests(ApiFixture api)
{
    private const int Year = SeedReport.Year;
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private readonly TestData _data = new(api);

    [Fact]
    public void Should_be_due_at_the_end_of_31_January_of_the_following_year_in_the_tenants_zone()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

        Assert.Equal(new DateTimeOffset(2018, 1, 31, 23, 59, 59, Beijing), DeadlineView.DefaultFor(2017, shanghai));
        Assert.Equal(new DateTimeOffset(2021, 1, 31, 23, 59, 59, TimeSpan.FromHours(-5)), DeadlineView.DefaultFor(2020, newYork));
    }

    [Theory]
    [InlineData("2018-01-31T23:59:59.000+08:00", true)]
    [InlineData("2018-01-31T23:59:59.999+08:00", true)]
    [InlineData("2018-02-01T00:00:00.000+08:00", false)]
    [InlineData("2018-01-31T15:59:59.500+00:00", true)]
    [InlineData("2018-01-31T16:00:00.000+00:00", false)]
    [InlineData("2017-06-01T09:00:00.000+08:00", true)]
    public void Should_be_on_time_within_the_last_second_and_late_from_midnight(string reportedAt, bool onTime)
    {
        var due = new DateTimeOffset(2018, 1, 31, 23, 59, 59, Beijing);
        Assert.Equal(onTime, DeadlineView.IsOnTime(DateTimeOffset.Parse(reportedAt, System.Globalization.CultureInfo.InvariantCulture), due));
    }

    [Fact]
    public async Task Should_answer_the_default_deadline_and_let_only_a_root_tenant_admin_move_it()
    {
        var district = await _data.DistrictAsync();
        var path = $"/api/v1/tenants/{district.Tenant}/deadlines/{Year}";

        var byDefault = await Client(district, "reporter@a").GetFromJsonAsync<JsonElement>(path);
        Assert.Equal("2018-01-31T23:59:59+08:00", byDefault.GetProperty("due").GetString());
        Assert.True(byDefault.GetProperty("isDefault").GetBoolean());

        Assert.Equal(HttpStatusCode.Forbidden, (await Client(district, "tenant-admin@a").PutAsJsonAsync(path, new { due = "2018-02-28T23:59:59+08:00" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(district, "reviewer@root").PutAsJsonAsync(path, new { due = "2018-02-28T23:59:59+08:00" })).StatusCode);
        foreach (var bad in new[] { "2018-02-28 23:59:59", "2018-02-28T23:59:59", "tomorrow", "2016-12-31T23:59:59+08:00" })
        {
            var refused = await Client(district, "tenant-admin@root").PutAsJsonAsync(path, new { due = bad });
            var problem = await refused.ShouldBeProblem(HttpStatusCode.BadRequest);
            Assert.Equal("due", problem.GetProperty("errors")[0].GetProperty("name").GetString(), StringComparer.OrdinalIgnoreCase);
        }

        var moved = await Client(district, "tenant-admin@root").PutAsJsonAsync(path, new { due = "2018-02-28T15:59:59Z" });
        await moved.ShouldHaveStatus(HttpStatusCode.OK);
        var read = await Client(district, "viewer@a").GetFromJsonAsync<JsonElement>(path);
        Assert.Equal("2018-02-28T23:59:59+08:00", read.GetProperty("due").GetString());
        Assert.False(read.GetProperty("isDefault").GetBoolean());
    }

    [Fact]
    public async Task Should_list_on_time_late_awaiting_review_and_missing_units()
    {
        var district = await _data.DistrictAsync();
        var c = await _data.OrgUnitAsync(district.Tenant, district.Tenant, "椿树街道");
        var admin = Client(district, "tenant-admin@root");
        await (await admin.PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review = "required" })).ShouldHaveStatus(HttpStatusCode.OK);
        // The reports go through an API whose clock the test moves (the versions are stamped by the injected TimeProvider).
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var onClock = api.Replica(services => services.RemoveAll<TimeProvider>().AddSingleton<TimeProvider>(clock));
        HttpClient OnClock(string key)
        {
            var client = onClock.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", district.Keys[key]);
            return client;
        }

        // A reports first and stays submitted; the deadline is then set to the very second A first reported, so A is on time
        // at the boundary; B reports a second later and is late; C never reports.
        await (await TestData.PostReportAsync(OnClock("reporter@a"), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var first = await CompletenessAsync(district);
        var aReportedAt = Unit(first, district.SubDistrictA).GetProperty("firstReportedAt").GetDateTimeOffset();
        Assert.Equal(clock.GetUtcNow(), aReportedAt, TimeSpan.FromMilliseconds(1));   // stamped by the test's clock, not the database's
        var due = new DateTimeOffset(aReportedAt.UtcTicks - aReportedAt.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        await (await admin.PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/deadlines/{Year}", new { due = due.ToString("yyyy-MM-dd'T'HH:mm:ssK") }))
            .ShouldHaveStatus(HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromSeconds(1));
        await (await TestData.PostReportAsync(OnClock("tenant-admin@root"), district.Tenant, district.SubDistrictB, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await (await Client(district, "reviewer@root").PostAsJsonAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictB)}/versions/1/accept", new { comment = "ok" }))
            .ShouldHaveStatus(HttpStatusCode.OK);

        var completeness = await CompletenessAsync(district);

        Assert.Equal(3, completeness.GetProperty("expected").GetInt32());
        Assert.Equal(2, completeness.GetProperty("reported").GetInt32());
        Assert.Equal(1, completeness.GetProperty("counted").GetInt32());
        Assert.Equal(1, completeness.GetProperty("onTime").GetInt32());
        Assert.Equal(1, completeness.GetProperty("late").GetInt32());
        Assert.Equal(1, completeness.GetProperty("awaitingReview").GetInt32());
        Assert.Equal(due, completeness.GetProperty("due").GetDateTimeOffset());
        var missing = Assert.Single(completeness.GetProperty("missing").EnumerateArray());
        Assert.Equal(c, missing.GetProperty("orgUnit").GetString());
        Assert.Equal("椿树街道", missing.GetProperty("name").GetString());
        Assert.Equal(("submitted", true), State(Unit(completeness, district.SubDistrictA)));
        Assert.Equal(("accepted", false), State(Unit(completeness, district.SubDistrictB)));
        Assert.Equal("missing", Unit(completeness, c).GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, Unit(completeness, c).GetProperty("onTime").ValueKind);
        // The words people read, the same as the page's and the workbook's (ReviewStatusNames).
        Assert.Equal(["待审核", "已采用", "未报送"], new[] { district.SubDistrictA, district.SubDistrictB, c }
            .Select(code => Unit(completeness, code).GetProperty("statusName").GetString()));

        // A sub-district's viewer sees only its own unit; a reporter may not read it; another tenant's key finds nothing.
        var own = await Client(district, "viewer@a").GetFromJsonAsync<JsonElement>(
            $"/api/v1/tenants/{district.Tenant}/org-units/{district.SubDistrictA}/completeness/{Year}");
        Assert.Equal(1, own.GetProperty("expected").GetInt32());
        var path = $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/completeness/{Year}";
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(district, "reporter@root").GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client(district, "viewer@a").GetAsync(path)).StatusCode);
        var other = await _data.DistrictAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await Client(other, "viewer@root").GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Should_judge_imported_past_years_by_the_reported_at_they_carry_at_the_second_before_midnight()
    {
        // The default deadline of 2017 is 2018-01-31T23:59:59+08:00: A reported in its last second, B at midnight.
        var district = await _data.DistrictAsync();
        var file = new Imports.ImportCsv()
            .Report(district.SubDistrictA, Year, reportedAt: "2018-01-31T23:59:59+08:00")
            .Report(district.SubDistrictB, Year, reportedAt: "2018-02-01T00:00:00+08:00");
        var summary = await Imports.ImportCsv.ImportAsync(Client(district, "tenant-admin@root"), district.Tenant, file.Bytes(bom: true));
        Assert.Equal(2, summary.GetProperty("reports").GetProperty("stored").GetInt32());

        var completeness = await CompletenessAsync(district);

        Assert.Equal("2018-01-31T23:59:59+08:00", completeness.GetProperty("due").GetString());
        Assert.Equal(("accepted", true), State(Unit(completeness, district.SubDistrictA)));
        Assert.Equal(("accepted", false), State(Unit(completeness, district.SubDistrictB)));
        Assert.Equal(new DateTimeOffset(2018, 2, 1, 0, 0, 0, Beijing), Unit(completeness, district.SubDistrictB).GetProperty("firstReportedAt").GetDateTimeOffset());
        Assert.Equal((1, 1, 0), (completeness.GetProperty("onTime").GetInt32(), completeness.GetProperty("late").GetInt32(),
            completeness.GetProperty("missing").GetArrayLength()));
    }

    [Fact]
    public async Task Should_page_the_audit_log_newest_first_within_the_keys_scope()
    {
        var district = await _data.DistrictAsync();
        var admin = Client(district, "tenant-admin@root");
        await (await admin.PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review = "required" })).ShouldHaveStatus(HttpStatusCode.OK);
        for (var value = 901; value <= 903; value++)
        {
            await (await TestData.PostReportAsync(Client(district, "reporter@a"), district.Tenant, district.SubDistrictA,
                TestData.ReportFor().With("1.1", value))).ShouldHaveStatus(HttpStatusCode.Created);
        }
        await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictB, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);
        await (await Client(district, "reviewer@root").PostAsJsonAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions/3/return",
            new { comment = "请核对 1.1" })).ShouldHaveStatus(HttpStatusCode.OK);

        // Paged by two, newest first, with every entry exactly once.
        var audit = $"/api/v1/tenants/{district.Tenant}/audit";
        var seen = new List<JsonElement>();
        string? next = null;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"{audit}?unit={district.SubDistrictA}&year={Year}&limit=2{(next is null ? "" : $"&after={next}")}");
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            next = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : Uri.EscapeDataString(page.GetProperty("next").GetString()!);
        } while (next is not null);
        Assert.Equal(
            ["report.version-returned", "report.version-submitted", "report.version-submitted", "report.version-submitted"],
            seen.Select(e => e.GetProperty("action").GetString()));
        Assert.All(seen, e => Assert.Equal(district.SubDistrictA, e.GetProperty("orgUnit").GetString()));
        // Opaque ids, each once; the order is the commit order (the actions above, newest first).
        var ids = seen.Select(e => e.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // The reviewer's own moves, by actor.
        var returnedBy = seen[0].GetProperty("actor").GetString();
        var byActor = await admin.GetFromJsonAsync<JsonElement>($"{audit}?actor={Uri.EscapeDataString(returnedBy!)}");
        Assert.Equal(["report.version-returned"], byActor.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()));

        // A sub-district's reviewer sees its own unit's entries, none of B's and none of the tenant's settings.
        var scoped = await Client(district, "reviewer@a").GetFromJsonAsync<JsonElement>(audit);
        Assert.All(scoped.GetProperty("items").EnumerateArray(), e => Assert.Equal(district.SubDistrictA, e.GetProperty("orgUnit").GetString()));
        var full = await admin.GetFromJsonAsync<JsonElement>(audit);
        Assert.Contains(full.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "settings.changed");
        Assert.Contains(full.GetProperty("items").EnumerateArray(), e => e.GetProperty("orgUnit").GetString() == district.SubDistrictB);
        // Details are written as every answer is, in camelCase, also where they are the request itself.
        var created = full.GetProperty("items").EnumerateArray().First(e => e.GetProperty("action").GetString() == "org-unit.created");
        Assert.All(created.GetProperty("details").EnumerateObject(), member => Assert.True(char.IsLower(member.Name[0]), $"details member {member.Name}"));

        Assert.Equal(HttpStatusCode.Forbidden, (await Client(district, "viewer@root").GetAsync(audit)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(district, "reporter@a").GetAsync(audit)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client(district, "reviewer@a").GetAsync($"{audit}?unit={district.SubDistrictB}")).StatusCode);
        var other = await _data.DistrictAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await Client(other, "tenant-admin@root").GetAsync(audit)).StatusCode);
    }

    private HttpClient Client(District district, string key) => api.Client(district.Keys[key]);

    private Task<JsonElement> CompletenessAsync(District district) =>
        Client(district, "viewer@root").GetFromJsonAsync<JsonElement>(
            $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/completeness/{Year}");

    private static JsonElement Unit(JsonElement completeness, string code) =>
        completeness.GetProperty("units").EnumerateArray().Single(unit => unit.GetProperty("orgUnit").GetString() == code);

    private static (string?, bool) State(JsonElement unit) => (unit.GetProperty("status").GetString(), unit.GetProperty("onTime").GetBoolean());
}
