using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Upstream;

/// <summary>The upstream key, once linked, is in no answer, log line or Hangfire job, whatever the link goes through.</summary>
public sealed partial class UpstreamTests
{
    [Fact]
    public async Task Should_keep_the_upstream_key_out_of_every_answer_log_line_and_job_after_a_full_cycle()
    {
        var levels = await LevelsAsync();
        var district = levels.District;
        var admin = Client(district, "tenant-admin@root");

        // The scan finds what it looks for.
        Assert.NotEmpty(SecretScan.Holding([$"{{\"key\":\"{levels.UpstreamKey}\"}}"], levels.UpstreamKey));
        Assert.NotEmpty(SecretScan.Holding([$"x-api-key: {levels.UpstreamKey[8..]}"], levels.UpstreamKey));

        // Refused links carrying the key: to a closed port, to a redirect, to an address nobody allowed.
        foreach (var url in new[] { UpstreamHost.ClosedPort, host.Redirector.Address.AbsoluteUri, "http://10.0.0.1:6379" })
            await (await admin.PutAsJsonAsync(UpstreamPath(district), new { url, tenant = levels.City, orgUnit = levels.DistrictUnit, key = levels.UpstreamKey }))
                .ShouldBeProblem(HttpStatusCode.UnprocessableEntity);

        // Linked, read, handed up, followed, returned (seen by the poll), handed up again, read again.
        await LinkAsync(levels);
        await ReadAsync(await admin.GetAsync(UpstreamPath(district)), HttpStatusCode.OK);
        await PostAsync(district, "reporter@a", district.SubDistrictA, TestData.ReportFor());
        await PostAsync(district, "reporter@a", district.SubDistrictB, TestData.ReportFor(), "tenant-admin@root");
        await WaitForFiguresAsync(district);
        await HandUpAsync(district, new { });
        await StatusAsync(district);
        await ReadAsync(await CityClient(levels.CityReviewer).PostAsJsonAsync(
            $"{TestData.ReportPath(levels.City, levels.DistrictUnit)}/versions/1/return", new { comment = "请核实" }), HttpStatusCode.OK);
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
        {
            var audit = await ReadAsync(await admin.GetAsync($"/api/v1/tenants/{district.Tenant}/audit"), HttpStatusCode.OK);
            if (audit.GetProperty("items").EnumerateArray().Any(entry => entry.GetProperty("action").GetString() == "upstream.returned")) break;
            Assert.True(DateTime.UtcNow < deadline, "the return was not polled");
        }
        await PostAsync(district, "reporter@a", district.SubDistrictA, TestData.ReportFor().With("1.1", 970));
        await WaitForFiguresAsync(district);
        await HandUpAsync(district, new { });
        var status = await StatusAsync(district);
        Assert.Equal(2, status.GetProperty("upstreamVersion").GetInt32());
        await ReadAsync(await CityClient(levels.CityReviewer).GetAsync($"{TestData.ReportPath(levels.City, levels.DistrictUnit)}/versions"), HttpStatusCode.OK);

        // The outgoing calls were logged (HttpClient at trace), headers redacted.
        Assert.Contains(host.Logs.Lines, line => line.Contains("System.Net.Http.HttpClient.upstream", StringComparison.Ordinal));
        await ShouldNotShowTheKeyAnywhereAsync(levels.UpstreamKey);

        // At rest only encrypted: the stored link holds none of its forms.
        await using var db = await _api.TenantDb.BeginAsync(await _data.TenantIdAsync(district.Tenant), CancellationToken.None);
        var stored = await db.QuerySingleAsync<string>("SELECT row_to_json(l)::text FROM upstream_links l");
        Assert.Empty(SecretScan.Holding([stored], levels.UpstreamKey));
        Assert.Contains(levels.UpstreamKey[..8], stored);
    }
}
