using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Tests.Infrastructure;
using Dapper;

namespace Aggregator.Api.Tests;

/// <summary>
/// The audit log as a client follows it while others write: entries appear in commit order, so a new entry always
/// shows above every entry already listed, and a reader that pages while writers commit misses nothing and sees
/// nothing twice.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuditPagingTests(ApiFixture api, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Writers = 6;
    private const int VersionsPerWriter = 20;
    private const int SlowEntries = 3;
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_miss_no_entry_and_repeat_none_for_a_reader_paging_while_writers_post_in_parallel()
    {
        var tenant = await _data.TenantAsync();
        var admin = api.Client((await _data.KeyAsync(tenant, tenant, "tenant-admin")).Key);
        var units = new List<string>();
        for (var i = 0; i < Writers; i++) units.Add(await _data.OrgUnitAsync(tenant, name: $"街道{i}"));

        var tenantId = await _data.TenantIdAsync(tenant);

        // Each writer posts version after version of its own unit's report; the reader pages meanwhile. One more writer
        // is slow on purpose: it writes its entry, then commits only after the reader has finished another pass, so that
        // entries written after its own commit before it (the case that put entries below a cursor already read).
        var passDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Should the reader fail, the slow writer gives up (and rolls back) instead of holding its transaction open.
        using var stop = new CancellationTokenSource();
        var posting = units.Select(unit => Task.Run(async () =>
        {
            var writer = api.Client((await _data.KeyAsync(tenant, unit, "reporter")).Key);
            for (var version = 0; version < VersionsPerWriter; version++)
            {
                await (await TestData.PostReportAsync(writer, tenant, unit, TestData.ReportFor().With("1.1", 1000 + version)))
                    .ShouldHaveStatus(HttpStatusCode.Created);
            }
        })).ToList();
        var slow = Task.Run(async () =>
        {
            var slowUnit = await _data.OrgUnitAsync(tenant, name: "慢街道");
            var writer = api.Client((await _data.KeyAsync(tenant, slowUnit, "reporter")).Key);
            for (var i = 0; i < SlowEntries; i++)
            {
                await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
                await AuditLog.AppendAsync(db, tenantId, "system", "test.slow-writer", $"slow/{i}");
                await (await TestData.PostReportAsync(writer, tenant, slowUnit, TestData.ReportFor().With("1.1", 2000 + i)))
                    .ShouldHaveStatus(HttpStatusCode.Created);
                // The pass in progress ends, then a whole pass runs that began after that version committed.
                await Volatile.Read(ref passDone).Task.WaitAsync(stop.Token);
                await Volatile.Read(ref passDone).Task.WaitAsync(stop.Token);
                await db.CommitAsync();
            }
        });
        var writing = Task.WhenAll(posting.Append(slow));

        // Every pass reads the whole log from the top, in pages of 7. What a pass lists must be what the previous pass
        // listed, with new entries above it only: an entry that turned up below one already read is one a follower missed.
        List<string> previous = [];
        var passes = 0;
        var grew = 0;
        try
        {
            while (true)
            {
                var done = writing.IsCompleted;
                var listed = await ReadAllAsync(admin, tenant);
                Assert.Equal(listed.Count, listed.Distinct().Count());
                var added = listed.Count - previous.Count;
                Assert.True(added >= 0, $"pass {passes}: the log shrank from {previous.Count} to {listed.Count} entries");
                Assert.Equal(previous, listed.Skip(added));
                if (added > 0) grew++;
                previous = listed;
                passes++;
                var ended = passDone;
                Volatile.Write(ref passDone, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                ended.SetResult();
                if (done) break;
            }
        }
        finally
        {
            await stop.CancelAsync();
        }
        await writing;
        output.WriteLine($"{passes} passes while writing, {grew} of them found new entries");
        Assert.True(grew >= 3, $"the reader saw the log grow in {grew} passes only: it did not page while the writers wrote");

        // Once the writers are done, the follower catches up with every entry the tenant's log holds, each once.
        var stored = await StoredEntriesAsync(tenant);
        Assert.Equal(Writers * VersionsPerWriter + SlowEntries, stored.Count(entry => entry.Action == "report.version-submitted"));
        Assert.Equal(SlowEntries, stored.Count(entry => entry.Action == "test.slow-writer"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (previous.Count < stored.Count && DateTime.UtcNow < deadline)
        {
            var listed = await ReadAllAsync(admin, tenant);
            Assert.Equal(previous, listed.Skip(listed.Count - previous.Count));
            previous = listed;
        }
        Assert.Equal(stored.Select(entry => entry.Id.ToString()).Order(StringComparer.Ordinal), previous.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("12")]
    [InlineData("not-a-cursor")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAA%00")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")]
    public async Task Should_refuse_a_cursor_it_did_not_give_naming_after(string after)
    {
        var tenant = await _data.TenantAsync();
        var admin = api.Client((await _data.KeyAsync(tenant, tenant, "tenant-admin")).Key);

        var problem = await (await admin.GetAsync($"/api/v1/tenants/{tenant}/audit?after={after}")).ShouldBeProblem(HttpStatusCode.BadRequest);

        Assert.Equal("after", problem.GetProperty("errors")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Should_refuse_a_huge_cursor_and_another_tenants_cursor()
    {
        var tenant = await _data.TenantAsync();
        var other = await _data.TenantAsync();
        var admin = api.Client((await _data.KeyAsync(tenant, tenant, "tenant-admin")).Key);
        var otherAdmin = api.Client((await _data.KeyAsync(other, other, "tenant-admin")).Key);
        for (var i = 0; i < 3; i++) await _data.OrgUnitAsync(other, name: $"街道{i}");

        var page = await otherAdmin.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{other}/audit?limit=1");
        var foreignCursor = page.GetProperty("next").GetString()!;
        // The other tenant's own reader may use it.
        Assert.Equal(HttpStatusCode.OK, (await otherAdmin.GetAsync($"/api/v1/tenants/{other}/audit?limit=1&after={foreignCursor}")).StatusCode);

        foreach (var after in new[] { foreignCursor, new string('A', 2_000) })
        {
            var problem = await (await admin.GetAsync($"/api/v1/tenants/{tenant}/audit?after={after}")).ShouldBeProblem(HttpStatusCode.BadRequest);
            Assert.Equal("after", problem.GetProperty("errors")[0].GetProperty("name").GetString());
        }
    }

    /// <summary>The whole log as the API lists it, newest first, following next; no page may repeat an entry of another.</summary>
    private static async Task<List<string>> ReadAllAsync(HttpClient client, string tenant)
    {
        var ids = new List<string>();
        string? next = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>(
                $"/api/v1/tenants/{tenant}/audit?limit=7{(next is null ? "" : $"&after={Uri.EscapeDataString(next)}")}");
            var items = page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();
            Assert.DoesNotContain(items, ids.Contains);
            ids.AddRange(items);
            next = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        } while (next is not null);
        return ids;
    }

    private async Task<List<(Guid Id, string Action)>> StoredEntriesAsync(string tenant)
    {
        var tenantId = await _data.TenantIdAsync(tenant);
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var entries = (await db.QueryAsync<(Guid Id, string Action)>(
            "SELECT entry_id, action FROM audit_log WHERE tenant_id = @tenantId", new { tenantId })).ToList();
        await db.CommitAsync();
        return entries;
    }
}
