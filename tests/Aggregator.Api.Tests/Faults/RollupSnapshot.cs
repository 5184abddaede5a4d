using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Jobs.Rollups;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests.Faults;

/// <summary>A year's stored rollup figures, to hold against a recompute from scratch.</summary>
public static class RollupSnapshot
{
    public sealed record Figure(long OrgUnitId, string Indicator, decimal? Value, int Reporters);

    public static async Task<IReadOnlyList<Figure>> ReadAsync(ApiFixture api, Guid tenantId, int year)
    {
        const string sql = """
            SELECT org_unit_id AS OrgUnitId, indicator AS Indicator, value AS Value, reporters AS Reporters
            FROM rollup_values WHERE tenant_id = @tenantId AND year = @year
            ORDER BY org_unit_id, indicator
            """;
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var figures = (await db.QueryAsync<Figure>(sql, new { tenantId, year })).ToList();
        await db.CommitAsync();
        return figures;
    }

    /// <summary>The stored figures, then the same year recomputed from the report rows by the job itself (forced), compared.</summary>
    public static async Task ShouldEqualARecomputeAsync(ApiFixture api, Guid tenantId, int year)
    {
        var stored = await ReadAsync(api, tenantId, year);
        Assert.NotEmpty(stored);
        var job = api.Factory.Services.GetRequiredService<RollupJob>();
        Assert.True(await job.ExecuteAsync(tenantId, year, force: true, CancellationToken.None));
        var recomputed = await ReadAsync(api, tenantId, year);
        Assert.Equal(recomputed, stored);
    }

    /// <summary>The tenant's root figure of an indicator, and the sum of the counted report values it must equal.</summary>
    public static async Task<(decimal? Stored, decimal? Sum)> RootFigureAsync(ApiFixture api, Guid tenantId, string tenantCode, int year, string indicator)
    {
        const string sql = """
            SELECT (SELECT rv.value FROM rollup_values rv JOIN org_units o ON o.tenant_id = rv.tenant_id AND o.org_unit_id = rv.org_unit_id
                    WHERE rv.tenant_id = @tenantId AND rv.year = @year AND rv.indicator = @indicator AND o.code = @tenantCode) AS Stored,
                   (SELECT sum(value) FROM report_values WHERE tenant_id = @tenantId AND year = @year AND indicator = @indicator) AS Sum
            """;
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var figure = await db.QuerySingleAsync<(decimal? Stored, decimal? Sum)>(sql, new { tenantId, year, indicator, tenantCode });
        await db.CommitAsync();
        return figure;
    }
}
