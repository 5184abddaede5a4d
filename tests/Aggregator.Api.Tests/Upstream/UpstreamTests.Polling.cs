using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Upstream;

/// <summary>A return upstream reaches the district by itself: the recurring UpstreamStatusPoll reads it and audits it once.</summary>
public sealed partial class UpstreamTests
{
    [Fact]
    public async Task Should_show_a_return_upstream_in_the_district_audit_without_anyone_reading_the_status()
    {
        var levels = await LevelsAsync();
        var district = levels.District;
        await LinkAsync(levels);
        await PostAsync(district, "reporter@a", district.SubDistrictA, TestData.ReportFor());
        await PostAsync(district, "reporter@a", district.SubDistrictB, TestData.ReportFor().With("1.1", 900), "tenant-admin@root");
        await WaitForFiguresAsync(district);
        await HandUpAsync(district, new { });

        const string comment = "广安门内街道 1.1 与上年差异过大，请核实后重报";
        await ReadAsync(await CityClient(levels.CityReviewer).PostAsJsonAsync(
            $"{TestData.ReportPath(levels.City, levels.DistrictUnit)}/versions/1/return", new { comment }), HttpStatusCode.OK);

        // Nobody GETs …/upstream/{year}: the poll (every second on this host) finds the return.
        var auditPath = $"/api/v1/tenants/{district.Tenant}/audit?year={Year}";
        List<JsonElement> returns;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
        {
            var audit = await ReadAsync(await Client(district, "tenant-admin@root").GetAsync(auditPath), HttpStatusCode.OK);
            returns = audit.GetProperty("items").EnumerateArray().Where(entry => entry.GetProperty("action").GetString() == "upstream.returned").ToList();
            if (returns.Count > 0) break;
            Assert.True(DateTime.UtcNow < deadline, $"the return never reached the district's audit: {audit}");
        }
        var entry = Assert.Single(returns);
        Assert.Equal(comment, entry.GetProperty("details").GetProperty("comment").GetString());
        Assert.Equal("returned", entry.GetProperty("details").GetProperty("status").GetString());
        Assert.Equal(1, entry.GetProperty("details").GetProperty("upstreamVersion").GetInt32());
        Assert.Equal($"upstream:{levels.City}", entry.GetProperty("actor").GetString());
        var statusRead = new System.Text.RegularExpressions.Regex($@"GET \S*/api/v1/tenants/{district.Tenant}/upstream/{Year}(\s|\?|$)");
        Assert.Contains(host.Logs.Lines, line => line.Contains($"/api/v1/tenants/{district.Tenant}/upstream/{Year}/submissions", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, line => statusRead.IsMatch(line));

        // Once: later polls and a read of the status add nothing.
        await WaitForPollsAsync(3);
        var status = await StatusAsync(district);
        Assert.Equal("returned", status.GetProperty("status").GetString());
        Assert.Equal(comment, status.GetProperty("statusComment").GetString());
        var after = await ReadAsync(await Client(district, "tenant-admin@root").GetAsync(auditPath), HttpStatusCode.OK);
        Assert.Single(after.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "upstream.returned");

        // Handed up again and accepted upstream: the acceptance is recorded the same way, once.
        await PostAsync(district, "reporter@a", district.SubDistrictB, TestData.ReportFor().With("1.1", 890), "tenant-admin@root");
        await WaitForFiguresAsync(district);
        await HandUpAsync(district, new { });
        await ReadAsync(await CityClient(levels.CityReviewer).PostAsJsonAsync(
            $"{TestData.ReportPath(levels.City, levels.DistrictUnit)}/versions/2/accept", new { comment = "核对无误" }), HttpStatusCode.OK);
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
        {
            var audit = await ReadAsync(await Client(district, "tenant-admin@root").GetAsync(auditPath), HttpStatusCode.OK);
            var accepted = audit.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "upstream.accepted").ToList();
            if (accepted.Count > 0)
            {
                Assert.Equal(2, Assert.Single(accepted).GetProperty("details").GetProperty("upstreamVersion").GetInt32());
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the acceptance never reached the district's audit: {audit}");
        }
    }

    /// <summary>Waits until the recurring poll has run <paramref name="runs"/> more times (as Hangfire's succeeded jobs count them).</summary>
    private async Task WaitForPollsAsync(int runs)
    {
        const string sql = "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%UpstreamStatusPoll%' AND statename = 'Succeeded'";
        await using var connection = await _api.AppDataSource.OpenConnectionAsync();
        var start = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, sql);
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
        {
            if (await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, sql) >= start + runs) return;
            Assert.True(DateTime.UtcNow < deadline, "the upstream status poll did not run");
        }
    }
}
