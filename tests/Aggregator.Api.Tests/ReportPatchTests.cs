using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Npgsql;

namespace Aggregator.Api.Tests;

/// <summary>
/// Correcting a report without retyping it: a merge patch of the current version stores a new version with only
/// the named figures changed, through the same checks, idempotency, review and lock as a POST of a whole version.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ReportPatchTests(ApiFixture api)
{
    private const string MergePatch = "application/merge-patch+json";
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_keep_the_other_70_figures_when_a_patch_corrects_1_1()
    {
        var (district, reporter) = await SeededAsync();
        var etag = await CurrentETagAsync(reporter, district);

        var patched = await PatchAsync(reporter, district, """{"values": {"1.1": 976}, "note": "1.1 corrected"}""", etag);

        await patched.ShouldHaveStatus(HttpStatusCode.Created);
        var answer = await patched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, answer.GetProperty("version").GetInt32());
        Assert.False(answer.GetProperty("unchanged").GetBoolean());
        Assert.Equal(["1.1"], answer.GetProperty("changed").EnumerateArray().Select(code => code.GetString()));
        Assert.Equal("bj-gip-2017", answer.GetProperty("template").GetString());
        Assert.EndsWith("/reports/2017/versions/2", patched.Headers.Location?.ToString());

        var current = await reporter.GetAsync(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        await current.ShouldHaveStatus(HttpStatusCode.OK);
        var report = await current.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(answer.GetProperty("etag").GetString(), current.Headers.ETag?.ToString());
        Assert.Equal(2, report.GetProperty("version").GetInt32());
        Assert.Equal("1.1 corrected", report.GetProperty("note").GetString());
        var expected = SeedReport.Values.Select(pair => pair.Key == "1.1" ? KeyValuePair.Create("1.1", (decimal?)976) : pair).ToList();
        Assert.Equal(71, expected.Count);
        Assert.Equal(expected, Values(report));
    }

    [Fact]
    public async Task Should_refuse_a_patch_without_If_Match_with_428_and_store_nothing()
    {
        var (district, reporter) = await SeededAsync();

        var response = await PatchAsync(reporter, district, """{"values": {"1.1": 976}}""", ifMatch: null);

        var problem = await response.ShouldBeProblem(HttpStatusCode.PreconditionRequired);
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc6585#section-3", problem.GetProperty("type").GetString());
        Assert.Contains("If-Match", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
        Assert.Equal(975, Value(await CurrentAsync(reporter, district), "1.1"));
    }

    [Fact]
    public async Task Should_refuse_a_patch_with_a_stale_If_Match_with_412_and_store_nothing()
    {
        var (district, reporter) = await SeededAsync();
        var stale = await CurrentETagAsync(reporter, district);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("9.3", 60)))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var response = await PatchAsync(reporter, district, """{"values": {"1.1": 976}}""", stale);

        var problem = await response.ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt32());
        Assert.Equal(2, await _data.VersionCountAsync(district, district.SubDistrictA));
        Assert.Equal(975, Value(await CurrentAsync(reporter, district), "1.1"));
    }

    [Fact]
    public async Task Should_empty_a_cell_that_a_patch_sets_to_null_and_keep_the_rest()
    {
        var (district, reporter) = await SeededAsync();

        var response = await PatchAsync(reporter, district, """{"values": {"9.3": null, "7": 120}}""", await CurrentETagAsync(reporter, district));

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["7", "9.3"], answer.GetProperty("changed").EnumerateArray().Select(code => code.GetString()).Order(StringComparer.Ordinal));
        var report = await CurrentAsync(reporter, district);
        Assert.Equal(JsonValueKind.Null, report.GetProperty("values").GetProperty("9.3").ValueKind);
        Assert.Equal(120, Value(report, "7"));
        Assert.Equal(SeedReport.Values.Where(pair => pair.Key is not ("9.3" or "7")),
            Values(report).Where(pair => pair.Key is not ("9.3" or "7")));
        // The removed figure is a warning stored with the version, as when a POST leaves a figure out.
        Assert.Contains(answer.GetProperty("warnings").EnumerateArray(),
            warning => warning.GetProperty("indicators").EnumerateArray().Any(code => code.GetString() == "9.3"));
    }

    [Fact]
    public async Task Should_refuse_a_patch_that_breaks_a_rule_with_422_listing_it_and_store_nothing()
    {
        var (district, reporter) = await SeededAsync();

        // 收到申请数 3.1 = 3.1.1 + … + 3.1.4 = 3: one application more than its channels.
        var response = await PatchAsync(reporter, district, """{"values": {"3.1": 4}}""", await CurrentETagAsync(reporter, district));

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(problem.GetProperty("rules").EnumerateArray(), rule => rule.GetProperty("ruleId").GetString() == "sum:3.1");
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
        Assert.Equal(3, Value(await CurrentAsync(reporter, district), "3.1"));
    }

    [Fact]
    public async Task Should_refuse_unknown_codes_as_a_post_does_with_422()
    {
        var (district, reporter) = await SeededAsync();

        var response = await PatchAsync(reporter, district, """{"values": {"1.9.9": 1}}""", await CurrentETagAsync(reporter, district));

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(problem.GetProperty("rules").EnumerateArray(),
            rule => rule.GetProperty("indicators").EnumerateArray().Any(code => code.GetString() == "1.9.9"));
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_answer_a_retried_patch_with_the_first_answer_and_store_one_version()
    {
        var (district, reporter) = await SeededAsync();
        var etag = await CurrentETagAsync(reporter, district);
        const string body = """{"values": {"1.1": 976}, "note": "1.1 corrected"}""";

        var first = await PatchAsync(reporter, district, body, etag, idempotencyKey: "patch-1.1");
        // The same patch spelled otherwise (key order, 976.0) is the same request.
        var retry = await PatchAsync(reporter, district, """{"note": "1.1 corrected", "values": {"1.1": 976.0}}""", etag, idempotencyKey: "patch-1.1");
        var other = await PatchAsync(reporter, district, """{"values": {"1.1": 977}}""", etag, idempotencyKey: "patch-1.1");

        await first.ShouldHaveStatus(HttpStatusCode.Created);
        await retry.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal("/problems/idempotency-key-reused",
            (await other.ShouldBeProblem(HttpStatusCode.UnprocessableEntity)).GetProperty("type").GetString());
        Assert.Equal(2, await _data.VersionCountAsync(district, district.SubDistrictA));
        Assert.Equal(976, Value(await CurrentAsync(reporter, district), "1.1"));
    }

    [Fact]
    public async Task Should_answer_200_unchanged_to_a_patch_that_changes_nothing()
    {
        var (district, reporter) = await SeededAsync();
        var etag = await CurrentETagAsync(reporter, district);

        var response = await PatchAsync(reporter, district, """{"values": {"1.1": 975, "7": null}}""", etag);

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("unchanged").GetBoolean());
        Assert.Equal(1, answer.GetProperty("version").GetInt32());
        Assert.Empty(answer.GetProperty("changed").EnumerateArray());
        Assert.Equal(etag, response.Headers.ETag?.ToString());
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_store_a_patch_as_submitted_while_review_is_required()
    {
        var district = await _data.DistrictAsync();
        await (await api.Client(district.Keys["tenant-admin@root"]).PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review = "required" }))
            .ShouldHaveStatus(HttpStatusCode.OK);
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);

        var response = await PatchAsync(reporter, district, """{"values": {"1.1": 976}}""", await CurrentETagAsync(reporter, district));

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("submitted", answer.GetProperty("status").GetString());
        var report = await CurrentAsync(reporter, district);
        Assert.Equal("submitted", report.GetProperty("status").GetString());
        Assert.False(report.GetProperty("counts").GetBoolean());
    }

    [Fact]
    public async Task Should_refuse_a_patch_of_a_year_a_reviewer_locked_with_409_and_store_nothing()
    {
        var district = await _data.DistrictAsync();
        await (await api.Client(district.Keys["tenant-admin@root"]).PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review = "required" }))
            .ShouldHaveStatus(HttpStatusCode.OK);
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);
        await (await api.Client(district.Keys["reviewer@root"]).PostAsJsonAsync(
                $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions/1/accept", new { comment = "核对无误" }))
            .ShouldHaveStatus(HttpStatusCode.OK);

        var response = await PatchAsync(reporter, district, """{"values": {"1.1": 976}}""", await CurrentETagAsync(reporter, district));

        Assert.Equal("/problems/report-locked", (await response.ShouldBeProblem(HttpStatusCode.Conflict)).GetProperty("type").GetString());
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_answer_404_to_another_tenant_and_to_a_report_without_a_version()
    {
        var (district, reporter) = await SeededAsync();
        var other = await _data.DistrictAsync();
        var etag = await CurrentETagAsync(reporter, district);

        var foreign = await PatchAsync(api.Client(other.Keys["reporter@root"]), district, """{"values": {"1.1": 976}}""", etag);
        var otherUnit = await PatchAsync(reporter, district, """{"values": {"1.1": 976}}""", etag, org: district.SubDistrictB);
        var noReport = await PatchAsync(api.Client(district.Keys["tenant-admin@root"]), district, """{"values": {"1.1": 976}}""", "*",
            org: district.SubDistrictB);

        await foreign.ShouldBeProblem(HttpStatusCode.NotFound);
        await otherUnit.ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Contains("no version to correct", (await noReport.ShouldBeProblem(HttpStatusCode.NotFound)).GetProperty("detail").GetString(),
            StringComparison.Ordinal);
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictB));
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    public static TheoryData<string, string, string> MalformedPatches => new()
    {
        { "an unknown member", """{"values": {"1.1": 976}, "colour": "red"}""", "colour" },
        { "values as a list", """{"values": [976]}""", "values" },
        { "values as null", """{"values": null}""", "values" },
        { "values as a number", """{"values": 976}""", "values" },
        { "another template", """{"template": "cn-gip-2019", "values": {"1.1": 976}}""", "template" },
    };

    [Theory]
    [MemberData(nameof(MalformedPatches))]
    public async Task Should_refuse_a_malformed_patch_with_400_naming_the_member(string why, string body, string member)
    {
        var (district, reporter) = await SeededAsync();

        var response = await PatchAsync(reporter, district, body, await CurrentETagAsync(reporter, district));

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").EnumerateArray().Any(error => error.GetProperty("name").GetString() == member),
            $"{why}: {problem}");
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_accept_the_template_of_the_current_version_in_a_patch()
    {
        var (district, reporter) = await SeededAsync();

        var response = await PatchAsync(reporter, district, """{"template": "bj-gip-2017", "values": {"1.1": 976}}""",
            await CurrentETagAsync(reporter, district));

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(976, Value(await CurrentAsync(reporter, district), "1.1"));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task Should_refuse_a_patch_of_another_media_type_with_415(string mediaType)
    {
        var (district, reporter) = await SeededAsync();

        var response = await PatchAsync(reporter, district, """{"values": {"1.1": 976}}""", await CurrentETagAsync(reporter, district), mediaType: mediaType);

        await response.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_answer_409_with_Retry_After_while_a_request_with_the_same_key_is_in_flight()
    {
        var district = await _data.DistrictAsync();
        var (keyId, key) = await _data.KeyAsync(district.Tenant, district.SubDistrictA, "reporter");
        var reporter = api.Client(key);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);
        var etag = await CurrentETagAsync(reporter, district);
        var tenantId = await _data.TenantIdAsync(district.Tenant);

        // The first request holds its key's lock for as long as its transaction runs: held here, it is in flight.
        HttpResponseMessage second;
        await using (var connection = await api.AppDataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var hold = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@name, 0))", connection, transaction))
            {
                hold.Parameters.AddWithValue("name", $"{tenantId}/{keyId}/in-flight");
                await hold.ExecuteNonQueryAsync();
            }
            second = await PatchAsync(reporter, district, """{"values": {"1.1": 976}}""", etag, idempotencyKey: "in-flight");
            await transaction.RollbackAsync();
        }
        var afterwards = await PatchAsync(reporter, district, """{"values": {"1.1": 976}}""", etag, idempotencyKey: "in-flight");

        await second.ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal(TimeSpan.FromSeconds(1), second.Headers.RetryAfter?.Delta);
        await afterwards.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Null(afterwards.Headers.RetryAfter);
        Assert.Equal(2, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_store_one_version_for_concurrent_patches_with_one_key_and_answer_the_others_alike_or_409_with_Retry_After()
    {
        var (district, reporter) = await SeededAsync();
        var etag = await CurrentETagAsync(reporter, district);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            PatchAsync(api.Client(district.Keys["reporter@a"]), district, """{"values": {"1.1": 976}}""", etag, idempotencyKey: "together")));

        var created = answers.Where(answer => answer.StatusCode == HttpStatusCode.Created).ToList();
        var inFlight = answers.Where(answer => answer.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Equal(answers.Length, created.Count + inFlight.Count);
        Assert.NotEmpty(created);
        Assert.Single(created.Select(answer => answer.Headers.ETag?.ToString()).Distinct());
        Assert.All(inFlight, answer => Assert.Equal(TimeSpan.FromSeconds(1), answer.Headers.RetryAfter?.Delta));
        Assert.Equal(2, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_let_a_tenant_admin_patch_any_unit_and_refuse_a_viewer_with_403()
    {
        var (district, reporter) = await SeededAsync();
        var etag = await CurrentETagAsync(reporter, district);

        var viewer = await PatchAsync(api.Client(district.Keys["viewer@root"]), district, """{"values": {"1.1": 976}}""", etag);
        var admin = await PatchAsync(api.Client(district.Keys["tenant-admin@root"]), district, """{"values": {"1.1": 976}}""", etag);

        await viewer.ShouldBeProblem(HttpStatusCode.Forbidden);
        await admin.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal(2, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    private async Task<(District District, HttpClient Reporter)> SeededAsync()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);
        return (district, reporter);
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, District district, string body, string? ifMatch,
        string? idempotencyKey = null, string? org = null, string mediaType = MergePatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, TestData.ReportPath(district.Tenant, org ?? district.SubDistrictA))
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(mediaType)),
        };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<string> CurrentETagAsync(HttpClient client, District district)
    {
        var response = await client.GetAsync(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        await response.ShouldHaveStatus(HttpStatusCode.OK);
        return response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("The current version has no ETag.");
    }

    private static Task<JsonElement> CurrentAsync(HttpClient client, District district) =>
        client.GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));

    private static List<KeyValuePair<string, decimal?>> Values(JsonElement report) => report.GetProperty("values").EnumerateObject()
        .Select(p => KeyValuePair.Create(p.Name, p.Value.ValueKind == JsonValueKind.Null ? (decimal?)null : p.Value.GetDecimal())).ToList();

    private static decimal? Value(JsonElement report, string code) =>
        report.GetProperty("values").GetProperty(code) is { ValueKind: JsonValueKind.Number } value ? value.GetDecimal() : null;
}
