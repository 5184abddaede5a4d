using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;

namespace Aggregator.Api.Tests.Imports;

/// <summary>
/// A big import end to end, its time written to the test output — measured, never asserted. 5,000 rows by default;
/// AGGREGATOR_IMPORT_ROWS=100000 for the 100,000-row measurement:
/// <c>AGGREGATOR_IMPORT_ROWS=100000 dotnet test tests/Aggregator.Api.Tests --filter FullyQualifiedName~CsvImportVolumeTests --logger "console;verbosity=detailed"</c>
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CsvImportVolumeTests(ApiFixture api, Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_import_every_report_of_a_large_file()
    {
        var wanted = int.TryParse(Environment.GetEnvironmentVariable("AGGREGATOR_IMPORT_ROWS"), out var rows) ? rows : 5_000;
        var tenant = await _data.TenantAsync();
        var tenantId = await _data.TenantIdAsync(tenant);
        var reportRows = new ReportRows(api);
        var root = await reportRows.UnitAsync(tenantId, tenant);
        var admin = api.Client((await _data.KeyAsync(tenant, tenant, "tenant-admin")).Key);

        // The seed's values for every year bj-gip-2017 covers (2008–2018), over as many units as the rows need.
        var years = Enumerable.Range(2008, 11).ToList();
        var perUnit = years.Count * SeedReport.Values.Count;
        var units = new List<string>();
        for (var i = 0; i < (wanted + perUnit - 1) / perUnit; i++) units.Add((await reportRows.AddUnitAsync(tenantId, root, reports: true)).Code);
        var csv = new ImportCsv();
        var reports = 0;
        foreach (var unit in units)
            foreach (var year in years)
            {
                csv.Report(unit, year, reportedAt: $"{year + 1}-01-31T09:00:00+08:00");
                reports++;
            }
        var file = csv.Bytes(bom: true, newline: "\r\n");

        var clock = Stopwatch.StartNew();
        var response = await ImportCsv.SendAsync(admin, tenant, file);
        var accepted = clock.Elapsed;
        await response.ShouldHaveStatus(HttpStatusCode.Accepted);
        var job = await ImportCsv.WaitAsync(admin, response.Headers.Location!.OriginalString, TimeSpan.FromMinutes(10));
        var total = clock.Elapsed;

        var summary = job.GetProperty("result");
        var ran = job.GetProperty("finishedAt").GetDateTime() - job.GetProperty("startedAt").GetDateTime();
        output.WriteLine($"{summary.GetProperty("rows").GetInt32():N0} rows, {reports:N0} reports, {file.Length / 1024.0 / 1024:0.0} MiB: " +
                         $"202 after {accepted.TotalSeconds:0.00} s, job ran {ran.TotalSeconds:0.00} s, done after {total.TotalSeconds:0.00} s");
        Assert.Equal((reports, 0, 0), ImportCsv.Counts(summary));
        var count = await reportRows.QueryAsync(tenantId, db => db.QuerySingleAsync<long>(
            "SELECT count(*) FROM report_versions WHERE tenant_id = @tenantId AND status = 'accepted'", new { tenantId }));
        Assert.Equal(reports, count);
    }
}
