using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Edge;

/// <summary>
/// Control characters in any string a client sends are refused with a 400 naming the field, before they reach
/// PostgreSQL (which refuses NUL outright); and one tenant sending them cannot break another tenant's requests.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ControlCharacterTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    /// <summary>Where a control character hides, and the field the 400 must name.</summary>
    public static TheoryData<string, string> Places => new()
    {
        { "report note", "note" },
        { "report template", "template" },
        { "indicator code of report values", "values" },
        { "text value of report values", "values.1.1" },
        { "org-unit name", "name" },
        { "org-unit kind", "kind" },
        { "api-key name", "name" },
        { "tenant name", "name" },
        { "query value", "indicator" },
        { "query name", "parameters" },
        { "route value", "org" },
        { "Idempotency-Key header", "idempotency-key" },
        { "If-Match header", "if-match" },
        { "If-None-Match header", "if-none-match" },
        { "multipart form field", "note" },
        { "multipart file name", "file" },
    };

    [Theory]
    [MemberData(nameof(Places))]
    public async Task Should_refuse_a_control_character_with_a_400_naming_the_field(string place, string field)
    {
        var district = await _data.DistrictAsync();
        var stored = await StoredAsync(district);

        foreach (var character in new[] { "\u0001", "\u001b", "\u0000", "\u007f", "\u0085", "\u009b" })
        {
            // C1 characters are not ASCII: HttpClient refuses them in a header and MIME-encodes them in a file name,
            // so no client sends them raw there.
            if (character[0] > '\u007f' && (place.EndsWith("header", StringComparison.Ordinal) || place == "multipart file name")) continue;
            using var request = Request(district, place, $"x{character}y");
            var response = await api.Client().SendAsync(request);

            // Kestrel itself refuses a NUL in the request target or a header, before the app sees the request.
            var kestrelRefuses = character == "\u0000" && (place == "route value" || place.EndsWith("header", StringComparison.Ordinal));
            if (kestrelRefuses)
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                continue;
            }
            var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
            var names = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
            Assert.True(names.Contains(field), $"{place}, U+{(int)character[0]:X4}: {problem}");
        }
        // Refused is refused: no version, unit, key, tenant, import or idempotency record came of any of them.
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
        Assert.Equal(stored, await StoredAsync(district));
    }

    [Fact]
    public async Task Should_accept_tabs_and_line_breaks_in_text()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);

        const string note = "第一行\r\n\t第二行\n";

        var response = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().WithNote(note));

        await response.ShouldHaveStatus(HttpStatusCode.Created);
        // Stored as sent, not trimmed or normalised: the current version and the history read it back unchanged.
        var current = await reporter.GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal(note, current.GetProperty("note").GetString());
        var history = await reporter.GetFromJsonAsync<JsonElement>($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions");
        Assert.Equal(note, Assert.Single(history.GetProperty("items").EnumerateArray()).GetProperty("note").GetString());
    }

    [Fact]
    public async Task Should_answer_a_multipart_body_it_cannot_read_with_a_400()
    {
        var district = await _data.DistrictAsync();
        var body = new StringContent("--cut\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nno closing boundary");
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");

        var response = await api.Client(district.Keys["reporter@a"])
            .PostAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/import", body);

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal("form", problem.GetProperty("errors")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Should_answer_every_valid_request_of_a_tenant_while_another_sends_nul_characters()
    {
        var attacker = await _data.DistrictAsync();
        var victim = await _data.DistrictAsync();
        var victimReporter = api.Client(victim.Keys["reporter@a"]);
        var places = Places.Select(row => (string)row[0]).ToArray();
        var failures = new ConcurrentBag<string>();
        var refused = 0;
        var attackerStored = await StoredAsync(attacker);

        await Parallel.ForEachAsync(Enumerable.Range(0, 160), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            if (i % 2 == 0)
            {
                using var request = Request(attacker, places[i / 2 % places.Length], $"\u0000{i}");
                var response = await api.Client().SendAsync(request);
                if (response.StatusCode == HttpStatusCode.BadRequest) Interlocked.Increment(ref refused);
                return;
            }
            var note = $"第{i}次";
            // Each version differs in its figures (7: fees in 元), so each is stored rather than answered unchanged.
            var posted = await TestData.PostReportAsync(victimReporter, victim.Tenant, victim.SubDistrictA,
                TestData.ReportFor().With("7", i).WithNote(note));
            if (posted.StatusCode != HttpStatusCode.Created) failures.Add($"POST {(int)posted.StatusCode}: {await posted.Content.ReadAsStringAsync()}");
            var read = await victimReporter.GetAsync(TestData.ReportPath(victim.Tenant, victim.SubDistrictA));
            if (read.StatusCode != HttpStatusCode.OK) failures.Add($"GET {(int)read.StatusCode}: {await read.Content.ReadAsStringAsync()}");
        });

        Assert.Empty(failures);
        Assert.Equal(80, refused);
        // Every one of the victim's versions stored with its own note, exactly; nothing of the attacker's.
        var history = await victimReporter.GetFromJsonAsync<JsonElement>($"{TestData.ReportPath(victim.Tenant, victim.SubDistrictA)}/versions");
        var notes = history.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("note").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(0, 160).Where(i => i % 2 == 1).Select(i => $"第{i}次").Order(StringComparer.Ordinal), notes);
        Assert.Equal(attackerStored, await StoredAsync(attacker));
    }

    /// <summary>What the district's requests could have left behind: its rows per table, and the number of tenants.</summary>
    private async Task<string> StoredAsync(District district)
    {
        var tenantId = await _data.TenantIdAsync(district.Tenant);
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var rows = await db.QuerySingleAsync<string>("""
            SELECT concat_ws(' ',
                (SELECT count(*) FROM org_units WHERE tenant_id = @tenantId), (SELECT count(*) FROM api_keys WHERE tenant_id = @tenantId),
                (SELECT count(*) FROM report_versions WHERE tenant_id = @tenantId), (SELECT count(*) FROM csv_imports WHERE tenant_id = @tenantId),
                (SELECT count(*) FROM idempotency_keys WHERE tenant_id = @tenantId), (SELECT count(*) FROM audit_log WHERE tenant_id = @tenantId))
            """, new { tenantId });
        await db.CommitAsync();
        await using var platform = await api.TenantDb.BeginPlatformAsync(CancellationToken.None);
        var tenants = await platform.QuerySingleAsync<long>("SELECT count(*) FROM tenants");
        await platform.CommitAsync();
        return $"{rows}; tenants {tenants}";
    }

    /// <summary>A request of the district's own keys that is valid but for <paramref name="bad"/> at <paramref name="place"/>.</summary>
    private static HttpRequestMessage Request(District district, string place, string bad)
    {
        var reports = TestData.ReportPath(district.Tenant, district.SubDistrictA);
        var reporter = district.Keys["reporter@a"];
        var admin = district.Keys["tenant-admin@root"];
        var units = $"/api/v1/tenants/{district.Tenant}/org-units";
        return place switch
        {
            "report note" => Json(HttpMethod.Post, $"{reports}/versions", reporter, TestData.ReportFor().WithNote(bad).ToJson()),
            "report template" => Json(HttpMethod.Post, $"{reports}/versions", reporter, TestData.ReportFor().WithTemplate(bad).ToJson()),
            "indicator code of report values" => Json(HttpMethod.Post, $"{reports}/versions", reporter, TestData.ReportFor().With(bad, 1).ToJson()),
            "text value of report values" => Json(HttpMethod.Post, $"{reports}/versions", reporter, TestData.ReportFor().With("1.1", bad).ToJson()),
            "org-unit name" => Json(HttpMethod.Post, units, admin, new JsonObject { ["code"] = TestData.UniqueCode("u"), ["name"] = bad, ["kind"] = "sub-district" }),
            "org-unit kind" => Json(HttpMethod.Post, units, admin, new JsonObject { ["code"] = TestData.UniqueCode("u"), ["name"] = "x", ["kind"] = bad }),
            "api-key name" => Json(HttpMethod.Post, $"/api/v1/tenants/{district.Tenant}/api-keys", admin,
                new JsonObject { ["orgUnit"] = district.SubDistrictA, ["role"] = "viewer", ["name"] = bad }),
            "tenant name" => Json(HttpMethod.Post, "/api/v1/tenants", ApiFixture.AdminKey,
                new JsonObject { ["code"] = TestData.UniqueCode("t"), ["name"] = bad, ["kind"] = "district" }),
            "query value" => Get($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/2017/breakdown?indicator={Uri.EscapeDataString(bad)}", admin),
            "query name" => Get($"{reports}/versions?{Uri.EscapeDataString(bad)}=1", reporter),
            "route value" => Get($"/api/v1/tenants/{district.Tenant}/org-units/{Uri.EscapeDataString(bad)}/reports/2017", admin),
            "Idempotency-Key header" => WithHeader(Json(HttpMethod.Post, $"{reports}/versions", reporter, TestData.ReportFor().ToJson()), "Idempotency-Key", bad),
            "If-Match header" => WithHeader(Json(HttpMethod.Post, $"{reports}/versions", reporter, TestData.ReportFor().ToJson()), "If-Match", $"\"{bad}\""),
            "If-None-Match header" => WithHeader(Get(reports, reporter), "If-None-Match", $"\"{bad}\""),
            "multipart form field" => Import(reports, reporter, note: bad, fileName: "report.txt"),
            "multipart file name" => Import(reports, reporter, note: null, fileName: $"{bad}.txt"),
            _ => throw new ArgumentOutOfRangeException(nameof(place)),
        };
    }

    private static HttpRequestMessage Json(HttpMethod method, string url, string key, JsonNode body) =>
        WithHeader(new HttpRequestMessage(method, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") }, "X-Api-Key", key);

    private static HttpRequestMessage Get(string url, string key) => WithHeader(new HttpRequestMessage(HttpMethod.Get, url), "X-Api-Key", key);

    private static HttpRequestMessage Import(string reports, string key, string? note, string fileName)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(SeedReport.Text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        // The file name goes as sent: ContentDispositionHeaderValue would refuse the character on the client side.
        file.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"file\"; filename=\"{fileName}\"");
        form.Add(file);
        if (note is not null) form.Add(new StringContent(note), "note");
        return WithHeader(new HttpRequestMessage(HttpMethod.Post, $"{reports}/import") { Content = form }, "X-Api-Key", key);
    }

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
