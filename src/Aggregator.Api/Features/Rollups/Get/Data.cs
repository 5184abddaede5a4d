using Aggregator.Api.Auth;
using Aggregator.Data;
using Dapper;

namespace Aggregator.Api.Features.Rollups.Get;

internal static class Data
{
    // A class, not a positional record: Dapper cannot bind a text[] column to a constructor parameter.
    public sealed class Completeness
    {
        public int Expected { get; init; }
        public int Reported { get; init; }
        public string[] Missing { get; init; } = [];
        public string[] AwaitingReview { get; init; } = [];
    }
    public sealed record ValueRow(string Indicator, decimal? Value, int Reporters);

    public static Task<Completeness?> CompletenessAsync(DbSession db, int year, long orgUnitId) =>
        db.QuerySingleOrDefaultAsync<Completeness>(
            """
            SELECT expected AS Expected, reported AS Reported, missing AS Missing, awaiting_review AS AwaitingReview
            FROM rollup_completeness WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId
            """,
            new { tenantId = db.Tenant, year, orgUnitId });

    public static Task<IEnumerable<ValueRow>> ValuesAsync(DbSession db, int year, long orgUnitId) =>
        db.QueryAsync<ValueRow>(
            "SELECT indicator AS Indicator, value AS Value, reporters AS Reporters FROM rollup_values WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId",
            new { tenantId = db.Tenant, year, orgUnitId });
}
