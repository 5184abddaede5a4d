using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>No report is lost by a mistaken request: a wrong document, an empty body, a resend, a slip of a digit.</summary>
[Collection(ApiCollection.Name)]
public sealed class MistakenReportRequestTests(ApiFixture api)
{
    private const int NationalYear = 2019;
    private readonly TestData _data = new(api);

    // --- a document of another format is refused, and the complete version stays

    [Fact]
    public async Task Should_refuse_the_2017_report_imported_into_2019_and_keep_the_version_there()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var complete = ReportBody.Empty("cn-gip-2019").With("2.9.1:items", 3).With("2.9.1:amount", 12.5m);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, complete, NationalYear)).ShouldHaveStatus(HttpStatusCode.Created);
        var before = await reporter.GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA, NationalYear));

        var response = await ImportAsync(reporter, district, Encoding.UTF8.GetBytes(SeedReport.Text), "taoranting-2017.txt", NationalYear);

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/problems/unrecognised-document", problem.GetProperty("type").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("bj-gip-2017", detail);
        Assert.Contains("cn-gip-2019", detail);
        Assert.Equal("text", problem.GetProperty("format").GetString());
        Assert.True(problem.GetProperty("rowsRead").GetInt32() > 70);
        Assert.Equal(0, problem.GetProperty("indicatorsMapped").GetInt32());
        Assert.Equal("bj-gip-2017", problem.GetProperty("matchingTemplate").GetString());
        var after = await reporter.GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA, NationalYear));
        Assert.Equal(before.GetRawText(), after.GetRawText());
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA, NationalYear));
    }

    [Fact]
    public async Task Should_show_what_it_read_on_a_dry_run_of_a_document_it_would_refuse()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);

        var response = await ImportAsync(reporter, district, Encoding.UTF8.GetBytes(SeedReport.Text), "taoranting-2017.txt", NationalYear, dryRun: true);

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("cn-gip-2019", body.GetProperty("template").GetString());
        Assert.True(body.GetProperty("unmapped").GetArrayLength() > 70);
        var refusal = body.GetProperty("errors")[0];
        Assert.Equal("unrecognised-document", refusal.GetProperty("ruleId").GetString());
        Assert.Contains("bj-gip-2017", refusal.GetProperty("message").GetString());
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA, NationalYear));
    }

    // --- an empty report is refused

    [Theory]
    [InlineData("no values at all")]
    [InlineData("every value null")]
    public async Task Should_refuse_an_empty_report_and_keep_the_current_version(string how)
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);
        var empty = ReportBody.Empty(SeedReport.Template);
        if (how == "every value null")
            foreach (var (code, _) in SeedReport.Values) empty.With(code, null);

        var response = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, empty);

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/problems/empty-report", problem.GetProperty("type").GetString());
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_refuse_to_import_a_table_whose_cells_are_all_empty()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var blank = SeedDocx.Build(row => row with { Value = "" });

        var stored = await ImportAsync(reporter, district, blank, "blank.docx");
        var dryRun = await ImportAsync(reporter, district, blank, "blank.docx", dryRun: true);

        var problem = await stored.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/problems/empty-report", problem.GetProperty("type").GetString());
        await dryRun.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await dryRun.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("empty-report", body.GetProperty("errors")[0].GetProperty("ruleId").GetString());
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    // --- the same report again stores nothing

    [Fact]
    public async Task Should_answer_the_current_version_unchanged_when_the_same_report_is_sent_again()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var first = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor());
        await first.ShouldHaveStatus(HttpStatusCode.Created);
        var tenantId = await _data.TenantIdAsync(district.Tenant);
        var marker = await GenerationMarkAsync(tenantId);

        var again = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor());

        await again.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("unchanged").GetBoolean());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(first.Headers.ETag!.ToString(), body.GetProperty("etag").GetString());
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
        Assert.Equal(1, await AuditCountAsync(tenantId, "report.version-submitted"));
        Assert.Equal(0, await ChangesSinceAsync(tenantId, marker));
    }

    [Fact]
    public async Task Should_treat_an_empty_cell_sent_as_null_like_one_left_out()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var empty = SeedReport.Values.First(pair => pair.Value is null).Key;
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().Without(empty)))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var withNull = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With(empty, null));

        await withNull.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.True((await withNull.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unchanged").GetBoolean());
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_not_make_a_new_version_when_the_same_file_is_imported_again()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var first = await ImportAsync(reporter, district, SeedDocx.Build(), "taoranting-2017.docx");
        await first.ShouldHaveStatus(HttpStatusCode.Created);

        var again = await ImportAsync(reporter, district, SeedDocx.Build(), "taoranting-2017.docx");

        await again.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("unchanged").GetBoolean());
        Assert.Equal(1, body.GetProperty("stored").GetProperty("version").GetInt32());
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_store_one_first_version_when_the_same_report_is_sent_several_times_at_once()
    {
        var district = await _data.DistrictAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor())));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Single(responses.Select(r => r.Headers.ETag).Distinct());
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_replay_an_unchanged_answer_to_a_retry_with_the_same_idempotency_key()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var key = Guid.NewGuid().ToString();
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);

        var unchanged = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor(), idempotencyKey: key);
        var retry = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor(), idempotencyKey: key);

        await unchanged.ShouldHaveStatus(HttpStatusCode.OK);
        await retry.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(await unchanged.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(unchanged.Headers.ETag, retry.Headers.ETag);
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_still_refuse_a_stale_if_match_when_the_content_equals_the_current_version()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var v1 = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor());
        var v2 = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("9.3", 52));
        await v2.ShouldHaveStatus(HttpStatusCode.Created);

        var stale = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("9.3", 52), ifMatch: v1.Headers.ETag!.ToString());
        var current = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("9.3", 52), ifMatch: v2.Headers.ETag!.ToString());

        await stale.ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        await current.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(2, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    // --- a version that empties figures says so

    [Fact]
    public async Task Should_store_a_warning_naming_the_values_a_new_version_leaves_empty()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);

        var response = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA,
            TestData.ReportFor().With("9.3", null).Without("4"));

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var warning = created.GetProperty("warnings").EnumerateArray().Single(w => w.GetProperty("ruleId").GetString() == "values-removed");
        Assert.Equal(["4", "9.3"], warning.GetProperty("indicators").EnumerateArray().Select(i => i.GetString()));
        Assert.Contains("第 1 版", warning.GetProperty("message").GetString());
        var stored = await reporter.GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal(created.GetProperty("warnings").GetRawText(), stored.GetProperty("warnings").GetRawText());
    }

    // --- figures are exact or refused, and a key is sent once

    [Theory]
    [InlineData("1.1", "975.0000000000000000000000000001", "fractional-count")]
    [InlineData("1.1", "975.5", "fractional-count")]
    [InlineData("7", "12.3400000000000000000000000000001", "decimal-places")]
    [InlineData("7", "12.345", "decimal-places")]
    public async Task Should_refuse_a_figure_finer_than_its_unit_allows_instead_of_rounding_it(string code, string written, string ruleId)
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);

        var response = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().WithJson(code, written));

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        var error = Assert.Single(problem.GetProperty("rules").EnumerateArray(), e => e.GetProperty("ruleId").GetString() == ruleId);
        Assert.Equal([code], error.GetProperty("indicators").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_store_an_amount_in_yuan_with_two_decimals_as_sent()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);

        var response = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().WithJson("7", "12.34"));

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        var stored = await reporter.GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal(12.34m, stored.GetProperty("values").GetProperty("7").GetDecimal());
    }

    [Theory]
    [InlineData("""{"template":"bj-gip-2017","values":{"1.1":975,"1.1":976}}""")]
    [InlineData("""{"template":"bj-gip-2017","template":"cn-gip-2019","values":{"1.1":975}}""")]
    public async Task Should_refuse_a_body_that_names_a_property_twice(string body)
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);

        var response = await reporter.PostAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions",
            new StringContent(body, Encoding.UTF8, "application/json"));

        await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    private static Task<HttpResponseMessage> ImportAsync(HttpClient client, District district, byte[] file, string fileName,
        int year = SeedReport.Year, bool dryRun = false) =>
        TestData.ImportAsync(client, district.Tenant, district.SubDistrictA, file, fileName, year, dryRun);

    private async Task<long> AuditCountAsync(Guid tenantId, string action)
    {
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        return await db.QuerySingleAsync<long>("SELECT count(*) FROM audit_log WHERE tenant_id = @tenantId AND action = @action", new { tenantId, action });
    }

    /// <summary>A number past every change of figures recorded so far (the changes' global sequence).</summary>
    private async Task<long> GenerationMarkAsync(Guid tenantId)
    {
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        return await db.QuerySingleAsync<long>("SELECT nextval('figure_generation')");
    }

    /// <summary>Changes of the tenant's 2017 figures recorded after the mark (a rollup may consume them, so this is read at once).</summary>
    private async Task<long> ChangesSinceAsync(Guid tenantId, long marker)
    {
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        return await db.QuerySingleAsync<long>(
            "SELECT count(*) FROM figure_changes WHERE tenant_id = @tenantId AND year = @year AND generation > @marker",
            new { tenantId, year = SeedReport.Year, marker });
    }
}
