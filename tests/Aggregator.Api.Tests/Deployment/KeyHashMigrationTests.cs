using System.Security.Cryptography;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data;
using Dapper;
using DbUp;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Aggregator.Api.Tests.Deployment;

/// <summary>
/// Migration 0019 on a deployment that has keys: a database migrated to 0018 with a live key and a revoked one, then
/// migrated on. Each key's hash is in the lookup, with its tenant, id and revocation, and the lookup still shows a hash's
/// row only to the transaction that presents it.
/// </summary>
public sealed class KeyHashMigrationTests(ScratchCluster cluster) : IClassFixture<ScratchCluster>
{
    [Fact]
    public async Task Should_carry_every_existing_key_into_the_hash_lookup_with_its_revocation()
    {
        var appRole = new NpgsqlConnectionStringBuilder(cluster.AppConnectionString).Username!;
        var before = DeployChanges.To.PostgresqlDatabase(cluster.OwnerConnectionString)
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly,
                n => n.StartsWith("migrations.", StringComparison.Ordinal) && string.CompareOrdinal(n, "migrations.0019") < 0)
            .WithVariable("app_role", $"\"{appRole}\"")
            .WithTransactionPerScript().LogToNowhere().Build().PerformUpgrade();
        Assert.True(before.Successful, before.Error?.Message);

        var tenant = Guid.NewGuid();
        var live = (Id: Guid.NewGuid(), Hash: SHA256.HashData(RandomNumberGenerator.GetBytes(32)));
        var revoked = (Id: Guid.NewGuid(), Hash: SHA256.HashData(RandomNumberGenerator.GetBytes(32)));
        await using (var owner = new NpgsqlConnection(cluster.OwnerConnectionString))
        {
            await owner.OpenAsync();
            await using var transaction = await owner.BeginTransactionAsync();
            await owner.ExecuteAsync("""
                SELECT set_config('app.tenant_id', @tenant::text, true);
                INSERT INTO tenants (tenant_id, code, name, kind) VALUES (@tenant, 'm0019', '迁移区', 'district');
                INSERT INTO org_units (tenant_id, org_unit_id, code, name, kind, path) VALUES (@tenant, 1, 'm0019', '迁移区', 'district', '1');
                INSERT INTO api_keys (tenant_id, api_key_id, org_unit_id, role, name, key_hash, created_by, revoked_at)
                VALUES (@tenant, @liveId, 1, 'viewer', 'live', @liveHash, 'admin', NULL),
                       (@tenant, @revokedId, 1, 'viewer', 'revoked', @revokedHash, 'admin', now());
                """, new { tenant, liveId = live.Id, liveHash = live.Hash, revokedId = revoked.Id, revokedHash = revoked.Hash }, transaction);
            await transaction.CommitAsync();
        }

        DatabaseMigrator.Migrate(cluster.OwnerConnectionString, appRole, NullLogger.Instance);

        await using var dataSource = NpgsqlDataSource.Create(cluster.AppConnectionString);
        var tenantDb = new TenantDb(dataSource);
        const string lookup = "SELECT tenant_id AS Tenant, api_key_id AS Id, revoked_at IS NOT NULL AS Revoked FROM api_key_hashes WHERE key_hash = @hash";
        foreach (var (key, wasRevoked) in new[] { (live, false), (revoked, true) })
        {
            await using var db = await tenantDb.BeginKeyLookupAsync(key.Hash, CancellationToken.None);
            var row = await db.QuerySingleOrDefaultAsync<LookupRow>(lookup, new { hash = key.Hash });
            // Presenting one hash shows that hash's row and no other.
            var visible = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM api_key_hashes");
            await db.CommitAsync();
            Assert.Equal(new LookupRow(tenant, key.Id, wasRevoked), row);
            Assert.Equal(1, visible);
        }
        await using (var db = await tenantDb.BeginAsync(tenant, CancellationToken.None))
        {
            // The key's row is the tenant's only: the lookup by hash no longer reads api_keys.
            Assert.Equal(2, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM api_key_hashes WHERE tenant_id = @tenantId", new { tenantId = tenant }));
            await db.CommitAsync();
        }
        await using (var db = await tenantDb.BeginKeyLookupAsync(live.Hash, CancellationToken.None))
        {
            Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM api_keys"));
            await db.CommitAsync();
        }
    }

    private sealed record LookupRow(Guid Tenant, Guid Id, bool Revoked);
}
