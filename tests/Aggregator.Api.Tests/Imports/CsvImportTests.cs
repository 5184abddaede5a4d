using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;

namespace Aggregator.Api.Tests.Imports;

/// <summary>Past years in: a CSV of many units' reports, imported by the root tenant-admin as a background job.</summary>
[Collection(ApiCollection.Name)]
public sealed class CsvImportTests(ApiFixture api)
{
    private const string ReportedAt = "2018-01-20T10:30:00+08:00";
    private readonly TestData _data = new(api);

    private static string Seed(string code) =>
        SeedReport.Values.Single(pair => pair.Key == code).Value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static int Offset(string code) => SeedReport.Values.Select(pair => pair.Key).ToList().IndexOf(code);

    [Fact]
    public async Task Should_store_the_good_reports_and_reject_each_bad_one_whole_naming_its_lines()
    {
        var district = await _data.DistrictAsync();
        var (a, b) = (district.SubDistrictA, district.SubDistrictB);
        var c = await _data.OrgUnitAsync(district.Tenant, name: "椿树街道");
        var csv = new ImportCsv();
        csv.Report(a, 2017, reportedAt: ReportedAt);
        csv.Line($"{a},2017,,3.1,{Seed("3.1")},{ReportedAt}"); // the same value twice: counted once
        var ruleBroken = csv.NextLine;
        csv.Report(b, 2017, change: (code, _) => code == "3.1" ? "99999" : null);
        var unknownOrg = csv.NextLine;
        csv.Line("nosuch-unit,2017,,3.1,4,");
        var badNumber = csv.NextLine;
        csv.Report(a, 2016, change: (code, _) => code == "3.1" ? "4x" : null);
        var mixedTemplates = csv.NextLine;
        csv.Report(b, 2016, template: "bj-gip-2017");
        var otherTemplate = csv.NextLine;
        csv.Line($"{b},2016,cn-gip-2021,1.1,1,");
        var twoValues = csv.NextLine;
        csv.Report(c, 2017);
        var secondValue = csv.NextLine;
        csv.Line($"{c},2017,,3.1,1234,");

        var summary = await ImportCsv.ImportAsync(api.Client(district.Keys["tenant-admin@root"]), district.Tenant, csv.Bytes());

        Assert.Equal((1, 0, 5), ImportCsv.Counts(summary));
        Assert.Equal(csv.NextLine - 2, summary.GetProperty("rows").GetInt32());
        Assert.False(summary.GetProperty("dryRun").GetBoolean());
        var rejections = summary.GetProperty("rejections").EnumerateArray().ToList();
        Assert.Equal([ruleBroken, unknownOrg, badNumber, mixedTemplates, twoValues], rejections.Select(r => r.GetProperty("line").GetInt32()));
        Assert.Equal([b, "nosuch-unit", a, b, c], rejections.Select(r => r.GetProperty("org").GetString()));
        Assert.Equal([2017, 2017, 2016, 2016, 2017], rejections.Select(r => r.GetProperty("year").GetInt32()));
        string Reasons(int index) => string.Join(" | ", rejections[index].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("rule(s) of bj-gip-2017", Reasons(0));
        Assert.Contains($"line {unknownOrg}: unknown org unit 'nosuch-unit'", Reasons(1));
        Assert.Contains($"line {badNumber + Offset("3.1")}: the value '4x' of indicator 3.1 is no number", Reasons(2));
        Assert.Contains($"lines {mixedTemplates} and {otherTemplate} give the report different templates", Reasons(3));
        Assert.Contains($"lines {twoValues + Offset("3.1")} and {secondValue} give indicator 3.1 two values", Reasons(4));

        // The good report: stored, accepted as imported, counted in the rollup, with the file's reportedAt.
        var report = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, a));
        Assert.Equal("accepted", report.GetProperty("status").GetString());
        Assert.True(report.GetProperty("counts").GetBoolean());
        Assert.Equal(decimal.Parse(Seed("3.1"), CultureInfo.InvariantCulture), report.GetProperty("values").GetProperty("3.1").GetDecimal());
        foreach (var org in new[] { b, c }) Assert.Equal(0, await _data.VersionCountAsync(district, org));
        Assert.Equal(0, await _data.VersionCountAsync(district, a, 2016));

        var tenantId = await _data.TenantIdAsync(district.Tenant);
        var rows = new ReportRows(api);
        var stored = await rows.QueryAsync(tenantId, db => db.QuerySingleAsync<(DateTime ReportedAt, string Details)>("""
            SELECT v.reported_at, a.details::text FROM report_versions v
            JOIN org_units o ON o.tenant_id = v.tenant_id AND o.org_unit_id = v.org_unit_id
            JOIN audit_log a ON a.tenant_id = v.tenant_id AND a.org_unit_id = v.org_unit_id AND a.year = v.year
            WHERE v.tenant_id = @tenantId AND o.code = @a AND v.year = 2017 AND a.action = 'report.version-imported-csv'
            """, new { tenantId, a }));
        Assert.Equal(new DateTime(2018, 1, 20, 2, 30, 0, DateTimeKind.Utc), stored.ReportedAt.ToUniversalTime());
        Assert.Contains("2018-01-20T02:30:00+00:00", stored.Details);

        await rows.WaitForFiguresAsync(tenantId, 2017);
        var rollup = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>(
            $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/2017");
        var value = rollup.GetProperty("values").GetProperty("3.1");
        Assert.Equal(decimal.Parse(Seed("3.1"), CultureInfo.InvariantCulture), value.GetProperty("value").GetDecimal());
        Assert.Equal(1, value.GetProperty("reporters").GetInt32());
    }

    [Fact]
    public async Task Should_store_nothing_new_when_the_same_file_is_imported_again()
    {
        var district = await _data.DistrictAsync();
        var file = new ImportCsv().Report(district.SubDistrictA, 2016).Report(district.SubDistrictB, 2017, reportedAt: "2018-02-01").Bytes();
        var admin = api.Client(district.Keys["tenant-admin@root"]);

        var first = await ImportCsv.ImportAsync(admin, district.Tenant, file);
        var second = await ImportCsv.ImportAsync(admin, district.Tenant, file);

        Assert.Equal((2, 0, 0), ImportCsv.Counts(first));
        Assert.Equal((0, 2, 0), ImportCsv.Counts(second));
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA, 2016));
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictB, 2017));
    }

    [Fact]
    public async Task Should_store_nothing_on_a_dry_run_and_say_what_would_be_stored()
    {
        var district = await _data.DistrictAsync();
        var file = new ImportCsv().Report(district.SubDistrictA, 2017).Report(district.SubDistrictB, 2017, change: (code, _) => code == "3.1" ? "" : null).Bytes();
        var admin = api.Client(district.Keys["tenant-admin@root"]);

        var dryRun = await ImportCsv.ImportAsync(admin, district.Tenant, file, dryRun: true);
        var countAfterDryRun = await _data.VersionCountAsync(district, district.SubDistrictA);
        var stored = await ImportCsv.ImportAsync(admin, district.Tenant, file);
        var dryRunAgain = await ImportCsv.ImportAsync(admin, district.Tenant, file, dryRun: true);

        Assert.True(dryRun.GetProperty("dryRun").GetBoolean());
        Assert.Equal(ImportCsv.Counts(stored), ImportCsv.Counts(dryRun));
        Assert.Equal(0, countAfterDryRun);
        Assert.Equal((0, ImportCsv.Counts(stored).Stored, ImportCsv.Counts(stored).Rejected), ImportCsv.Counts(dryRunAgain));
    }

    [Theory]
    [InlineData(false, "\n")]
    [InlineData(true, "\n")]
    [InlineData(false, "\r\n")]
    [InlineData(true, "\r\n")]
    public async Task Should_read_utf8_with_or_without_bom_and_either_line_ending(bool bom, string newline)
    {
        var district = await _data.DistrictAsync();
        var file = new ImportCsv().Report(district.SubDistrictA, 2017, reportedAt: ReportedAt).Bytes(bom, newline);

        var summary = await ImportCsv.ImportAsync(api.Client(district.Keys["tenant-admin@root"]), district.Tenant, file);

        Assert.Equal((1, 0, 0), ImportCsv.Counts(summary));
        var report = await api.Client(district.Keys["viewer@root"]).GetFromJsonAsync<JsonElement>(TestData.ReportPath(district.Tenant, district.SubDistrictA));
        Assert.Equal(SeedReport.Values.Count, report.GetProperty("values").EnumerateObject().Count());
    }

    [Fact]
    public async Task Should_read_a_file_as_excel_writes_it_quoted_padded_and_semicolon_separated()
    {
        var district = await _data.DistrictAsync();
        var excel = new StringBuilder("\"Org\";\"Year\";\"Template\";\"Indicator\";\"Value\";\"ReportedAt\"\r\n");
        foreach (var (code, value) in SeedReport.Values)
            excel.Append(CultureInfo.InvariantCulture, $"\"{district.SubDistrictA}\";2017;\"bj-gip-2017\";\"{code}\";{value};2018-01-20 10:30\r\n");
        excel.Append(";;;;;\r\n\r\n");
        var file = (byte[])[.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(excel.ToString())];

        var summary = await ImportCsv.ImportAsync(api.Client(district.Keys["tenant-admin@root"]), district.Tenant, file);

        Assert.Equal((1, 0, 0), ImportCsv.Counts(summary));
        Assert.Equal(SeedReport.Values.Count, summary.GetProperty("rows").GetInt32());
        var tenantId = await _data.TenantIdAsync(district.Tenant);
        var reportedAt = await new ReportRows(api).QueryAsync(tenantId, db => db.QuerySingleAsync<DateTime>(
            "SELECT reported_at FROM report_versions WHERE tenant_id = @tenantId AND year = 2017", new { tenantId }));
        // Without an offset: the tenant's time zone (Asia/Shanghai, +08:00).
        Assert.Equal(new DateTime(2018, 1, 20, 2, 30, 0, DateTimeKind.Utc), reportedAt.ToUniversalTime());
    }

    [Fact]
    public async Task Should_reject_a_report_over_a_year_a_reviewer_locked()
    {
        var district = await _data.DistrictAsync();
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        await (await TestData.PostReportAsync(admin, district.Tenant, district.SubDistrictA, TestData.ReportFor())).ShouldHaveStatus(HttpStatusCode.Created);
        var tenantId = await _data.TenantIdAsync(district.Tenant);
        await new ReportRows(api).QueryAsync(tenantId, db => db.ExecuteAsync(
            "UPDATE reports SET locked = true WHERE tenant_id = @tenantId AND year = 2017", new { tenantId }));
        var file = new ImportCsv().Report(district.SubDistrictA, 2017, change: (code, _) => code == "1.1" ? "976" : null).Bytes();

        var dryRun = await ImportCsv.ImportAsync(admin, district.Tenant, file, dryRun: true);
        var summary = await ImportCsv.ImportAsync(admin, district.Tenant, file);

        Assert.Equal((0, 0, 1), ImportCsv.Counts(dryRun));
        Assert.Equal((0, 0, 1), ImportCsv.Counts(summary));
        Assert.Contains("locked", summary.GetProperty("rejections")[0].GetProperty("reasons")[0].GetString());
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Theory]
    [InlineData("reporter@root")]
    [InlineData("reviewer@root")]
    [InlineData("viewer@root")]
    [InlineData("tenant-admin@a")]
    public async Task Should_refuse_every_key_but_the_root_tenant_admin(string key)
    {
        var district = await _data.DistrictAsync();
        var file = new ImportCsv().Report(district.SubDistrictA, 2017).Bytes();

        var response = await ImportCsv.SendAsync(api.Client(district.Keys[key]), district.Tenant, file);

        await response.ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_refuse_the_platform_admins_import_and_hide_a_tenants_job_from_other_tenants()
    {
        var district = await _data.DistrictAsync();
        var other = await _data.DistrictAsync();
        var file = new ImportCsv().Report(district.SubDistrictA, 2017).Bytes();

        // The platform admin manages tenants; it imports no reports (SeparationOfDutiesTests).
        var refused = await ImportCsv.SendAsync(api.Admin(), district.Tenant, file);
        Assert.Equal("/problems/separation-of-duties", (await refused.ShouldBeProblem(HttpStatusCode.Forbidden)).GetProperty("type").GetString());
        var response = await ImportCsv.SendAsync(api.Client(district.Keys["tenant-admin@root"]), district.Tenant, file);
        await response.ShouldHaveStatus(HttpStatusCode.Accepted);
        var location = response.Headers.Location!.OriginalString;
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var job = await ImportCsv.WaitAsync(api.Client(district.Keys["viewer@root"]), location);
        var hidden = await api.Client(other.Keys["tenant-admin@root"]).GetAsync(location);

        Assert.Equal($"/api/v1/jobs/{body.GetProperty("jobId").GetString()}", location);
        Assert.Equal(SeedReport.Values.Count, body.GetProperty("rows").GetInt32());
        Assert.Equal((1, 0, 0), ImportCsv.Counts(job.GetProperty("result")));
        await hidden.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("3.1,4\n")]
    [InlineData("org,year,indicator,value\nx,2017,3.1,4\n")]
    [InlineData("org,year,template,indicator,value,colour\n")]
    [InlineData("")]
    public async Task Should_answer_400_naming_file_for_a_file_without_the_header(string text)
    {
        var district = await _data.DistrictAsync();

        var response = await ImportCsv.SendAsync(api.Client(district.Keys["tenant-admin@root"]), district.Tenant, Encoding.UTF8.GetBytes(text));

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal("file", problem.GetProperty("errors")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Should_answer_400_for_a_file_that_is_not_utf8()
    {
        var district = await _data.DistrictAsync();
        var gbk = (byte[])[.. Encoding.ASCII.GetBytes("org,year,template,indicator,value\n"), 0xCC, 0xD5, 0xC8, 0xBB, .. Encoding.ASCII.GetBytes(",2017,,3.1,4\n")];

        var response = await ImportCsv.SendAsync(api.Client(district.Keys["tenant-admin@root"]), district.Tenant, gbk);

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Contains("UTF-8", problem.GetProperty("errors")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Should_reject_a_row_with_the_wrong_number_of_fields_with_its_report()
    {
        var district = await _data.DistrictAsync();
        var csv = new ImportCsv("org,year,template,indicator,value").Report(district.SubDistrictA, 2016);
        // Report() writes a sixth (reportedAt) cell, empty: padding Excel adds is accepted. A short row is not.
        var shortRow = csv.NextLine;
        csv.Line($"{district.SubDistrictB},2016,,3.1");
        csv.Report(district.SubDistrictB, 2016);

        var summary = await ImportCsv.ImportAsync(api.Client(district.Keys["tenant-admin@root"]), district.Tenant, csv.Bytes());

        Assert.Equal((1, 0, 1), ImportCsv.Counts(summary));
        var rejection = summary.GetProperty("rejections")[0];
        Assert.Equal(shortRow, rejection.GetProperty("line").GetInt32());
        Assert.Contains($"line {shortRow}: 4 field(s) where the header has 5", rejection.GetProperty("reasons")[0].GetString());
    }

    [Fact]
    public async Task Should_answer_413_for_a_file_over_20_mib_and_take_one_under_it()
    {
        var district = await _data.DistrictAsync();
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        var header = "org,year,template,indicator,value\n";
        // Rows of empty cells are skipped: a 2 MiB file of them is within every limit, a 21 MiB one is not.
        string Padding(int mebibytes) => string.Concat(Enumerable.Repeat(new string(',', 1023) + "\n", mebibytes * 1024));

        var within = await ImportCsv.SendAsync(admin, district.Tenant, Encoding.UTF8.GetBytes(header + Padding(2)));
        var over = await ImportCsv.SendAsync(admin, district.Tenant, Encoding.UTF8.GetBytes(header + Padding(21)));

        await within.ShouldHaveStatus(HttpStatusCode.Accepted);
        var problem = await over.ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("MiB", problem.GetProperty("detail").GetString());
    }
}
