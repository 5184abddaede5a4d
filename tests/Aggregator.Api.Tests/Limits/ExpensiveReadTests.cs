using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Limits;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Aggregator.Api.Tests.Limits;

/// <summary>
/// Expensive reads (quality, the .xlsx/.csv downloads, tables of more than 1,000 cells) run at most
/// Aggregator:RateLimit:ExpensiveConcurrency at once per tenant. The tests hold the tenant's one slot themselves
/// (from the host's <see cref="ExpensiveReads"/>), so that "a read is running" is a fact and not a race.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ExpensiveReadTests(ApiFixture api, ITestOutputHelper output)
{
    private readonly TestData _data = new(api);

    private ApiFactory Host() => LimitsHost.Start(api, new Dictionary<string, string?>
    {
        ["Aggregator:RateLimit:PermitsPerMinute"] = "10000",
        ["Aggregator:RateLimit:UnitPermitsPerMinute"] = "10000",
        ["Aggregator:RateLimit:ExpensiveConcurrency"] = "1",
    });

    /// <summary>A district whose sub-district A reported the seed, with its figures computed; and its tenant id.</summary>
    private async Task<(District District, Guid TenantId)> ReportedDistrictAsync(int moreUnits = 0)
    {
        var district = await _data.DistrictAsync();
        for (var i = 0; i < moreUnits; i++) await _data.OrgUnitAsync(district.Tenant, name: $"第{i + 1}街道");
        await (await TestData.PostReportAsync(api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        var tenantId = await _data.TenantIdAsync(district.Tenant);
        await new ReportRows(api).WaitForFiguresAsync(tenantId, SeedReport.Year);
        return (district, tenantId);
    }

    private static string UnitPath(District district) => $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}";

    private static async Task ShouldBeTooManyExpensiveReadsAsync(HttpResponseMessage response)
    {
        var problem = await response.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("/problems/too-many-expensive-reads", problem.GetProperty("type").GetString());
        Assert.Contains("耗时读取", problem.GetProperty("detail").GetString());
        Assert.Equal(TimeSpan.FromSeconds(ExpensiveReads.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Should_answer_quality_and_downloads_429_while_the_tenants_slot_is_taken_and_serve_them_once_it_is_free()
    {
        var (district, tenantId) = await ReportedDistrictAsync();
        var (other, _) = await ReportedDistrictAsync();
        await using var host = Host();
        var viewer = host.Client(district.Keys["viewer@root"]);
        var reads = host.Services.GetRequiredService<ExpensiveReads>();
        string[] expensive = [$"/quality/{SeedReport.Year}", $"/rollups/{SeedReport.Year}.xlsx", $"/rollups/{SeedReport.Year}.csv"];

        var held = reads.Acquire(tenantId);
        Assert.True(held.IsAcquired);
        var refused = new List<HttpResponseMessage>();
        foreach (var path in expensive) refused.Add(await viewer.GetAsync(UnitPath(district) + path));
        // What is not expensive goes on, and so do another tenant's expensive reads.
        using var rollup = await viewer.GetAsync($"{UnitPath(district)}/rollups/{SeedReport.Year}");
        using var elsewhere = await host.Client(other.Keys["viewer@root"]).GetAsync($"{UnitPath(other)}/quality/{SeedReport.Year}");
        held.Dispose();
        var served = new List<HttpResponseMessage>();
        foreach (var path in expensive) served.Add(await viewer.GetAsync(UnitPath(district) + path));

        foreach (var response in refused) await ShouldBeTooManyExpensiveReadsAsync(response);
        await rollup.ShouldHaveStatus(HttpStatusCode.OK);
        await elsewhere.ShouldHaveStatus(HttpStatusCode.OK);
        foreach (var response in served) await response.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(1, (await served[0].Content.ReadFromJsonAsync<JsonElement>()).GetProperty("units").GetInt32());
        Assert.Equal("text/csv", served[2].Content.Headers.ContentType?.MediaType);
        // Each read gave its slot back when it ended: the test can take it again.
        using var again = reads.Acquire(tenantId);
        Assert.True(again.IsAcquired);
        output.WriteLine($"expensive reads refused: {refused.Count} of {refused.Count + served.Count}");
    }

    /// <summary>A dashboard that reads one page after another never finds its own last read still holding the one slot.</summary>
    [Fact]
    public async Task Should_serve_one_reader_expensive_read_after_expensive_read_with_a_single_slot()
    {
        var (district, _) = await ReportedDistrictAsync();
        await using var host = Host();
        var viewer = host.Client(district.Keys["viewer@root"]);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await viewer.GetAsync($"{UnitPath(district)}/{(i % 2 == 0 ? $"quality/{SeedReport.Year}" : $"rollups/{SeedReport.Year}.csv")}");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 20), statuses);
        output.WriteLine("expensive reads refused: 0 of 20 in a row");
    }

    /// <summary>15 sub-districts: 66 indicators make 990 cells (not expensive), 67 make 1,005 (expensive).</summary>
    [Fact]
    public async Task Should_count_a_table_as_an_expensive_read_only_beyond_1000_cells()
    {
        var (district, tenantId) = await ReportedDistrictAsync(moreUnits: 13);
        await using var host = Host();
        var viewer = host.Client(district.Keys["viewer@root"]);
        var codes = SeedReport.Catalog.Find(SeedReport.Template)!.Indicators.Select(indicator => indicator.Code).ToList();
        string Table(int indicators) => $"{UnitPath(district)}/table/{SeedReport.Year}?indicators={string.Join(',', codes.Take(indicators))}";

        using (var held = host.Services.GetRequiredService<ExpensiveReads>().Acquire(tenantId))
        {
            Assert.True(held.IsAcquired);
            using var small = await viewer.GetAsync(Table(66));
            using var big = await viewer.GetAsync(Table(67));

            await small.ShouldHaveStatus(HttpStatusCode.OK);
            var table = await small.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(15, table.GetProperty("rows").GetArrayLength());
            Assert.Equal(66, table.GetProperty("columns").GetArrayLength());
            await ShouldBeTooManyExpensiveReadsAsync(big);
        }
        using var served = await viewer.GetAsync(Table(67));

        await served.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal(67, (await served.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("columns").GetArrayLength());
        output.WriteLine("expensive reads refused: 1 of 2 tables over 1,000 cells");
    }

    /// <summary>
    /// Clients that go away mid-read (cancelled at different moments: before an answer, while it is written) leave
    /// no slot taken: the slot is given back with the request, not by the handler's last line.
    /// </summary>
    [Fact]
    public async Task Should_give_the_slot_back_when_the_client_goes_away()
    {
        var (district, tenantId) = await ReportedDistrictAsync();
        await using var host = Host();
        var viewer = host.Client(district.Keys["viewer@root"]);
        var reads = host.Services.GetRequiredService<ExpensiveReads>();

        var aborted = 0;
        for (var i = 0; i < 12; i++)
        {
            using var going = new CancellationTokenSource();
            var path = $"{UnitPath(district)}/{(i % 2 == 0 ? $"quality/{SeedReport.Year}" : $"rollups/{SeedReport.Year}.xlsx")}";
            var read = viewer.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, going.Token);
            if (i % 3 == 0) going.Cancel(); else going.CancelAfter(TimeSpan.FromMilliseconds(i));
            try { (await read).Dispose(); }
            catch (OperationCanceledException) { aborted++; }
        }

        // The server notices each abort on its own time, and a request the client gave up on may still start on the
        // server after that: ask again (with a deadline) until every slot is back and the read is served.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        HttpResponseMessage after;
        while ((after = await viewer.GetAsync($"{UnitPath(district)}/quality/{SeedReport.Year}")).StatusCode == HttpStatusCode.TooManyRequests
               && DateTime.UtcNow < deadline)
        {
            after.Dispose();
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        using (after) await after.ShouldHaveStatus(HttpStatusCode.OK);
        // That read may come from memory, before the gate, while aborted ones are still running on the server: the slots
        // themselves must all come back, within the same deadline.
        bool free;
        do
        {
            using (var lease = reads.Acquire(tenantId)) free = lease.IsAcquired;
            if (!free) await Task.Delay(TimeSpan.FromMilliseconds(100));
        } while (!free && DateTime.UtcNow < deadline);
        Assert.True(free, "a slot stayed taken after its client went away");
        output.WriteLine($"requests aborted by the client: {aborted} of 12");
    }

    [Fact]
    public async Task Should_limit_no_expensive_read_when_the_concurrency_is_0()
    {
        var (district, tenantId) = await ReportedDistrictAsync();
        await using var host = LimitsHost.Start(api, new Dictionary<string, string?> { ["Aggregator:RateLimit:ExpensiveConcurrency"] = "0" });
        var reads = host.Services.GetRequiredService<ExpensiveReads>();

        using var first = reads.Acquire(tenantId);
        using var second = reads.Acquire(tenantId);
        using var quality = await host.Client(district.Keys["viewer@root"]).GetAsync($"{UnitPath(district)}/quality/{SeedReport.Year}");

        Assert.True(first.IsAcquired && second.IsAcquired);
        await quality.ShouldHaveStatus(HttpStatusCode.OK);
        output.WriteLine("expensive reads refused: 0");
    }
}
