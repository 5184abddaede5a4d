using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Imports;

/// <summary>
/// A job acts in its key's name, so the key is checked again when the job runs: an import queued before its key was
/// revoked stores nothing once it runs, and its job says why.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RevokedKeyImportTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_store_nothing_from_an_import_whose_key_was_revoked_while_it_waited()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _data.TenantIdAsync(district.Tenant);
        var (holderId, holderKey) = await _data.KeyAsync(district.Tenant, district.Tenant, "tenant-admin");
        var (revokedId, revokedKey) = await _data.KeyAsync(district.Tenant, district.Tenant, "tenant-admin");
        var reader = api.Client(district.Keys["tenant-admin@root"]);

        // The imports lane has one worker. Hold it: the first import waits on its key's row, which this transaction locks,
        // so the second is still queued when its key is revoked. No sleeping: each step waits for the state it needs.
        string first;
        string second;
        await using (var hold = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None))
        {
            await hold.ExecuteAsync("SELECT 1 FROM api_keys WHERE tenant_id = @tenantId AND api_key_id = @holderId FOR UPDATE",
                new { tenantId, holderId = Guid.Parse(holderId) });
            first = await QueueAsync(holderKey, district, district.SubDistrictA, SeedReport.Year - 1);
            await WaitForStateAsync(reader, first, "Processing");
            second = await QueueAsync(revokedKey, district, district.SubDistrictB, SeedReport.Year - 2);
            Assert.Equal("Enqueued", (await reader.GetFromJsonAsync<JsonElement>(second)).GetProperty("state").GetString());

            await (await api.Admin().DeleteAsync($"/api/v1/tenants/{district.Tenant}/api-keys/{revokedId}")).ShouldHaveStatus(HttpStatusCode.NoContent);
            await hold.CommitAsync();
        }

        var stored = await ImportCsv.WaitAsync(reader, first);
        var refused = await WaitForStateAsync(reader, second, "Failed");

        Assert.Equal((1, 0, 0), ImportCsv.Counts(stored.GetProperty("result")));
        Assert.StartsWith("key-revoked:", refused.GetProperty("error").GetString());
        Assert.Contains(revokedId, refused.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("result").ValueKind);
        Assert.Equal(1, await _data.VersionCountAsync(district, district.SubDistrictA, SeedReport.Year - 1));
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictB, SeedReport.Year - 2));
        // The file is not kept for a run that will never come.
        Assert.False(await FileKeptAsync(tenantId, revokedId));
    }

    private async Task<string> QueueAsync(string key, District district, string org, int year)
    {
        var response = await ImportCsv.SendAsync(api.Client(key), district.Tenant, new ImportCsv().Report(org, year).Bytes());
        await response.ShouldHaveStatus(HttpStatusCode.Accepted);
        return response.Headers.Location!.OriginalString;
    }

    private static async Task<JsonElement> WaitForStateAsync(HttpClient client, string location, string state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>(location);
            if (job.GetProperty("state").GetString() == state) return job;
            if (DateTime.UtcNow > deadline) Assert.Fail($"The job did not reach {state} in time: {job}");
            await Task.Delay(20);
        }
    }

    private async Task<bool> FileKeptAsync(Guid tenantId, string apiKeyId)
    {
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var kept = await db.QuerySingleAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM csv_imports WHERE tenant_id = @tenantId AND api_key_id = @apiKeyId AND content IS NOT NULL)",
            new { tenantId, apiKeyId });
        await db.CommitAsync();
        return kept;
    }
}
