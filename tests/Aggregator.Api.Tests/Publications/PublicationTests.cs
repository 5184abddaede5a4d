using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Limits;
using Aggregator.Api.Tests.Rollups;
using Dapper;

namespace Aggregator.Api.Tests.Publications;

/// <summary>
/// 公开发布: a district publishes its accepted consolidated year as an immutable edition, and anyone reads it under
/// /public/v1 without a key: JSON, .csv and .xlsx, the editions, a numbered edition. A correction is a new edition with
/// its changelog; the same figures published again are the same edition.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PublicationTests(ApiFixture api)
{
    private const int Year = SeedReport.Year;
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_publish_a_year_as_edition_1_and_the_same_figures_again_as_the_same_edition()
    {
        var district = await ReportedDistrictAsync();

        var first = await PublishAsync(district);
        await first.ShouldHaveStatus(HttpStatusCode.Created);
        Assert.Equal($"/public/v1/{district.Tenant}/{Year}/editions/1", first.Headers.Location!.OriginalString);
        var edition = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, edition.GetProperty("edition").GetInt32());
        Assert.Equal(district.Tenant, edition.GetProperty("orgUnit").GetString());
        Assert.Equal("西城区", edition.GetProperty("tenantName").GetString());
        var figure = Figure(edition, "1.1");
        Assert.Equal(975m + 900m, figure.GetProperty("value").GetDecimal());
        Assert.Equal(Label("1.1"), figure.GetProperty("label").GetString());
        Assert.Equal(SeedReport.Catalog.Find(SeedReport.Template)!.FindIndicator("1.1")!.Unit, figure.GetProperty("unit").GetString());
        Assert.Equal(0, edition.GetProperty("changelog").GetArrayLength());
        var units = edition.GetProperty("countedUnits");
        Assert.Equal(2, units.GetProperty("counted").GetInt32());
        Assert.Equal([district.SubDistrictA, district.SubDistrictB],
            units.GetProperty("units").EnumerateArray().Select(u => u.GetProperty("code").GetString()!).Order(StringComparer.Ordinal));

        var again = await PublishAsync(district);
        await again.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(1, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("edition").GetInt32());
        Assert.Equal(1, await EditionCountAsync(district));

        // Published once: one audit entry, by the tenant-admin's key.
        var audit = await (await api.Client(district.Keys["tenant-admin@root"]).GetAsync($"/api/v1/tenants/{district.Tenant}/audit"))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Single(audit.GetProperty("items").EnumerateArray(), entry => entry.GetProperty("action").GetString() == "publication.published");
    }

    [Fact]
    public async Task Should_publish_a_corrected_figure_as_edition_2_with_its_changelog()
    {
        var district = await ReportedDistrictAsync();
        await (await PublishAsync(district)).ShouldHaveStatus(HttpStatusCode.Created);

        // 陶然亭街道 corrects 1.1 (975 → 970): a new accepted version, a new rollup, a new edition.
        await (await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA,
            TestData.ReportFor().With("1.1", 970))).ShouldHaveStatus(HttpStatusCode.Created);
        await WaitForFiguresAsync(district);
        var second = await PublishAsync(district);
        await second.ShouldHaveStatus(HttpStatusCode.Created);
        var edition = await second.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(2, edition.GetProperty("edition").GetInt32());
        var change = Assert.Single(edition.GetProperty("changelog").EnumerateArray());
        Assert.Equal("1.1", change.GetProperty("code").GetString());
        Assert.Equal(Label("1.1"), change.GetProperty("label").GetString());
        Assert.Equal(1875m, change.GetProperty("before").GetDecimal());
        Assert.Equal(1870m, change.GetProperty("after").GetDecimal());

        // The year reads as edition 2; edition 1 is kept as it was published.
        var latest = await ReadPublicAsync($"/public/v1/{district.Tenant}/{Year}");
        Assert.Equal(2, latest.GetProperty("edition").GetInt32());
        Assert.Equal(1870m, Figure(latest, "1.1").GetProperty("value").GetDecimal());
        var first = await ReadPublicAsync($"/public/v1/{district.Tenant}/{Year}/editions/1");
        Assert.Equal(1875m, Figure(first, "1.1").GetProperty("value").GetDecimal());
        var list = await ReadPublicAsync($"/public/v1/{district.Tenant}");
        Assert.Equal([(Year, 2, true, 1), (Year, 1, false, 0)], list.GetProperty("items").EnumerateArray().Select(item => (
            item.GetProperty("year").GetInt32(), item.GetProperty("edition").GetInt32(), item.GetProperty("latest").GetBoolean(),
            item.GetProperty("changes").GetInt32())));
        Assert.Equal(2, await EditionCountAsync(district));
    }

    [Fact]
    public async Task Should_serve_every_format_without_a_key_cacheable_with_strong_etags()
    {
        var district = await ReportedDistrictAsync();
        await (await PublishAsync(district)).ShouldHaveStatus(HttpStatusCode.Created);
        var anyone = api.Client();

        var json = await anyone.GetAsync($"/public/v1/{district.Tenant}/{Year}");
        await json.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        var body = await json.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1875m, Figure(body, "1.1").GetProperty("value").GetDecimal());
        Assert.Equal(1, body.GetProperty("edition").GetInt32());
        Assert.True(body.GetProperty("publishedAt").GetDateTime() > DateTime.UtcNow.AddHours(-1));

        var csv = await anyone.GetAsync($"/public/v1/{district.Tenant}/{Year}.csv");
        await csv.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var csvBytes = await csv.Content.ReadAsByteArrayAsync();
        var csvTable = SheetRead.ReadCsv(new UTF8Encoding(false).GetString(csvBytes[3..]));
        Assert.Equal("1875", csvTable.Text(csvTable.RowWhere(4, "1.1"), 3));
        Assert.Equal(Label("1.1"), csvTable.Text(csvTable.RowWhere(4, "1.1"), 1));

        var xlsx = await anyone.GetAsync($"/public/v1/{district.Tenant}/{Year}.xlsx");
        await xlsx.ShouldHaveStatus(HttpStatusCode.OK);
        var workbook = SheetRead.ReadWorkbook(await xlsx.Content.ReadAsByteArrayAsync());
        // The official table only: nothing of any sub-district's own figures.
        Assert.Equal(["汇总表"], workbook.Keys);
        var table = workbook["汇总表"];
        Assert.Equal(1875m, table[table.RowWhere(4, "1.1"), 3]!.Number);
        Assert.Contains("第1版", xlsx.Content.Headers.ContentDisposition!.FileNameStar, StringComparison.Ordinal);

        // The annual report as published: written from the edition's figures, as the district (全区), its table the same.
        var docx = await anyone.GetAsync($"/public/v1/{district.Tenant}/{Year}.docx");
        await docx.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"西城区{Year}年政府信息公开工作年度报告（第1版）.docx", docx.Content.Headers.ContentDisposition!.FileNameStar);
        var report = AnnualReports.DraftDocument.Read(await docx.Content.ReadAsByteArrayAsync());
        Assert.Equal($"西城区{Year}年政府信息公开工作年度报告", report.Lines[0].Text);
        Assert.Contains($"全区{Year}年共主动公开政府信息1875条", string.Join("\n", report.Paragraphs), StringComparison.Ordinal);

        var list = await anyone.GetAsync($"/public/v1/{district.Tenant}");
        await list.ShouldHaveStatus(HttpStatusCode.OK);
        var numbered = await anyone.GetAsync($"/public/v1/{district.Tenant}/{Year}/editions/1");
        await numbered.ShouldHaveStatus(HttpStatusCode.OK);

        foreach (var response in new[] { json, csv, xlsx, docx, list, numbered })
        {
            var path = response.RequestMessage!.RequestUri!.AbsolutePath;
            Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
            Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
            var tag = response.Headers.ETag;
            Assert.NotNull(tag);
            Assert.False(tag.IsWeak, $"{path}: a strong ETag");

            // The same answer again: the same tag; revalidated: 304 without a body.
            using var twice = await anyone.GetAsync(path);
            Assert.Equal(tag, twice.Headers.ETag);
            using var revalidate = new HttpRequestMessage(HttpMethod.Get, path);
            revalidate.Headers.IfNoneMatch.Add(tag);
            using var notModified = await anyone.SendAsync(revalidate);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
            Assert.Equal(tag, notModified.Headers.ETag);
        }
    }

    [Fact]
    public async Task Should_answer_404_for_every_year_unit_and_tenant_not_published()
    {
        var district = await ReportedDistrictAsync();
        await (await PublishAsync(district)).ShouldHaveStatus(HttpStatusCode.Created);
        // Another tenant with figures of its own, never published.
        var other = await ReportedDistrictAsync();
        var anyone = api.Client();

        foreach (var path in new[]
        {
            $"/public/v1/{district.Tenant}/{Year - 1}",
            $"/public/v1/{district.Tenant}/{Year - 1}.csv",
            $"/public/v1/{district.Tenant}/{Year - 1}.xlsx",
            $"/public/v1/{district.Tenant}/{Year - 1}.docx",
            $"/public/v1/{other.Tenant}/{Year}.docx",
            $"/public/v1/{district.Tenant}/{Year}/editions/2",
            $"/public/v1/{district.Tenant}/{Year}/editions/0",
            $"/public/v1/{other.Tenant}",
            $"/public/v1/{other.Tenant}/{Year}",
            $"/public/v1/{other.Tenant}/{Year}.csv",
            $"/public/v1/{other.Tenant}/{Year}/editions/1",
            $"/public/v1/{district.SubDistrictA}",
            $"/public/v1/{district.SubDistrictA}/{Year}",
            "/public/v1/no-such-tenant",
            "/public/v1/no-such-tenant/2017.xlsx",
        })
        {
            using var response = await anyone.GetAsync(path);
            var problem = await response.ShouldBeProblem(HttpStatusCode.NotFound);
            Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
            Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: a problem is not kept");
            Assert.DoesNotContain("1875", problem.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Should_grant_nothing_more_to_a_key_sent_with_a_public_read()
    {
        var district = await ReportedDistrictAsync();
        await (await PublishAsync(district)).ShouldHaveStatus(HttpStatusCode.Created);
        var path = $"/public/v1/{district.Tenant}/{Year}";
        using var keyless = await api.Client().GetAsync(path);
        var expected = await keyless.Content.ReadAsStringAsync();

        // Every key of the tenant, the platform admin's, and a made-up one: the same answer, byte for byte (no 401 for the
        // made-up key: a public read asks nobody who they are).
        foreach (var key in district.Keys.Values.Append(ApiFixture.AdminKey).Append("agg_made-up-key-000000000000000000000000000000000000"))
        {
            using var response = await api.Client(key).GetAsync(path);
            await response.ShouldHaveStatus(HttpStatusCode.OK);
            Assert.Equal(expected, await response.Content.ReadAsStringAsync());
            Assert.Equal(keyless.Headers.ETag, response.Headers.ETag);
        }
        // The district's own keys reach nothing unpublished there: not the year before, not a sub-district.
        foreach (var unpublished in new[] { $"/public/v1/{district.Tenant}/{Year - 1}", $"/public/v1/{district.SubDistrictA}/{Year}" })
        {
            await (await api.Client(district.Keys["tenant-admin@root"]).GetAsync(unpublished)).ShouldBeProblem(HttpStatusCode.NotFound);
            await (await api.Admin().GetAsync(unpublished)).ShouldBeProblem(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Should_limit_public_reads_per_client_address_whatever_key_they_send()
    {
        var district = await ReportedDistrictAsync();
        await (await PublishAsync(district)).ShouldHaveStatus(HttpStatusCode.Created);
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?>
        {
            ["Aggregator:RateLimit:PermitsPerMinute"] = "100",
            ["Aggregator:RateLimit:PublicPermitsPerMinute"] = "2",
        });
        var path = $"/public/v1/{district.Tenant}/{Year}";

        await (await host.Client(null).GetAsync(path)).ShouldHaveStatus(HttpStatusCode.OK);
        await (await host.Client(null).GetAsync($"{path}.csv")).ShouldHaveStatus(HttpStatusCode.OK);
        // A key buys no bucket of its own there: the address has spent its permits.
        using var refused = await host.Client(district.Keys["viewer@root"]).GetAsync(path);

        await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("*", Assert.Single(refused.Headers.GetValues("Access-Control-Allow-Origin")));
        // The API itself is limited by key as before.
        await (await host.Client(district.Keys["viewer@root"]).GetAsync($"/api/v1/tenants/{district.Tenant}/org-units")).ShouldHaveStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_make_one_edition_of_concurrent_identical_publishes()
    {
        var district = await ReportedDistrictAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PublishAsync(district)));

        Assert.Equal(1, answers.Count(answer => answer.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, answers.Count(answer => answer.StatusCode == HttpStatusCode.OK));
        foreach (var answer in answers)
            Assert.Equal(1, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("edition").GetInt32());
        Assert.Equal(1, await EditionCountAsync(district));
    }

    [Fact]
    public async Task Should_refuse_to_publish_what_is_not_the_district_accepted_and_computed_year()
    {
        var district = await _data.DistrictAsync();
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        var publications = $"/api/v1/tenants/{district.Tenant}/publications";

        // Nothing reported yet: nothing to publish.
        var nothing = await (await admin.PostAsJsonAsync(publications, new { year = Year, orgUnit = district.Tenant })).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("/problems/nothing-to-publish", nothing.GetProperty("type").GetString());

        // Review required and the only version waits for a reviewer: still nothing accepted.
        await (await admin.PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review = "required" })).ShouldHaveStatus(HttpStatusCode.OK);
        await (await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await WaitForFiguresAsync(district);
        nothing = await (await admin.PostAsJsonAsync(publications, new { year = Year, orgUnit = district.Tenant })).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("/problems/nothing-to-publish", nothing.GetProperty("type").GetString());

        // Accepted, but a rollup pending (the year marked dirty, no job yet to compute it): figures-stale.
        await (await api.Client(district.Keys["reviewer@root"]).PostAsJsonAsync(
            $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions/1/accept", new { comment = "核对无误" })).ShouldHaveStatus(HttpStatusCode.OK);
        await WaitForFiguresAsync(district);
        await using (var db = await api.TenantDb.BeginAsync(await _data.TenantIdAsync(district.Tenant), CancellationToken.None))
        {
            await db.ExecuteAsync("INSERT INTO figure_changes (tenant_id, year, kind) VALUES (@tenantId, @year, 'change')", new { tenantId = db.Tenant, year = Year });
            await db.CommitAsync();
        }
        var stale = await (await admin.PostAsJsonAsync(publications, new { year = Year, orgUnit = district.Tenant })).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("/problems/figures-stale", stale.GetProperty("type").GetString());

        // A sub-district is not published on its own; an unknown unit is not found; only the root's tenant-admin publishes.
        var subDistrict = await (await admin.PostAsJsonAsync(publications, new { year = Year, orgUnit = district.SubDistrictA }))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/problems/not-publishable", subDistrict.GetProperty("type").GetString());
        await (await admin.PostAsJsonAsync(publications, new { year = Year, orgUnit = "no-such-unit" })).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await api.Client(district.Keys["tenant-admin@a"]).PostAsJsonAsync(publications, new { year = Year, orgUnit = district.Tenant }))
            .ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await api.Client(district.Keys["reviewer@root"]).PostAsJsonAsync(publications, new { year = Year, orgUnit = district.Tenant }))
            .ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await api.Admin().PostAsJsonAsync(publications, new { year = Year, orgUnit = district.Tenant })).ShouldBeProblem(HttpStatusCode.Forbidden);
        // Malformed: a year out of range, a code with a NUL, a member nobody knows.
        await (await admin.PostAsJsonAsync(publications, new { year = 1900, orgUnit = district.Tenant })).ShouldBeProblem(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync(publications, new { year = Year, orgUnit = "110\u0000102" })).ShouldBeProblem(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync(publications, new { year = Year, orgUnit = district.Tenant, edition = 5 })).ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal(0, await EditionCountAsync(district));
    }

    [Fact]
    public async Task Should_let_a_public_read_see_the_named_tenants_editions_and_nothing_else()
    {
        var district = await ReportedDistrictAsync();
        var other = await ReportedDistrictAsync();
        await (await PublishAsync(district)).ShouldHaveStatus(HttpStatusCode.Created);
        await (await PublishAsync(other)).ShouldHaveStatus(HttpStatusCode.Created);
        var tenantId = await _data.TenantIdAsync(district.Tenant);

        await using var db = await api.TenantDb.BeginPublicReadAsync(district.Tenant, CancellationToken.None);
        // No tenant filter in any of these: row-level security alone decides.
        Assert.Equal([tenantId], await db.QueryAsync<Guid>("SELECT DISTINCT tenant_id FROM publications"));
        Assert.Equal([tenantId], await db.QueryAsync<Guid>("SELECT tenant_id FROM tenants"));
        foreach (var table in RowLevelSecurityTests.Tables.Except(["tenants", "publications"]))
            Assert.Equal(0L, await db.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}"));
        var write = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.ExecuteAsync(
            "UPDATE publications SET figures = '[]'::jsonb WHERE tenant_id = @tenantId", new { tenantId }));
        Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, write.SqlState);
    }

    /// <summary>A district whose two sub-districts reported (review off: accepted on receipt), its figures computed: 1.1 = 975 + 900.</summary>
    private async Task<District> ReportedDistrictAsync()
    {
        var district = await _data.DistrictAsync();
        await (await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await (await TestData.PostReportAsync(api.Client(district.Keys["tenant-admin@root"]), district.Tenant, district.SubDistrictB,
            TestData.ReportFor().With("1.1", 900))).ShouldHaveStatus(HttpStatusCode.Created);
        await WaitForFiguresAsync(district);
        return district;
    }

    private async Task WaitForFiguresAsync(District district) =>
        await new ReportRows(api).WaitForFiguresAsync(await _data.TenantIdAsync(district.Tenant), Year);

    private Task<HttpResponseMessage> PublishAsync(District district) =>
        api.Client(district.Keys["tenant-admin@root"]).PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/publications",
            new { year = Year, orgUnit = district.Tenant });

    private async Task<JsonElement> ReadPublicAsync(string path)
    {
        using var response = await api.Client().GetAsync(path);
        await response.ShouldHaveStatus(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<int> EditionCountAsync(District district) =>
        await new ReportRows(api).QueryAsync(await _data.TenantIdAsync(district.Tenant),
            db => db.ExecuteScalarAsync<int>("SELECT count(*)::integer FROM publications WHERE tenant_id = @tenantId", new { tenantId = db.Tenant }));

    private static JsonElement Figure(JsonElement edition, string code) =>
        edition.GetProperty("figures").EnumerateArray().Single(figure => figure.GetProperty("code").GetString() == code);

    private static string Label(string code) => SeedReport.Catalog.Find(SeedReport.Template)!.FindIndicator(code)!.Label;
}
