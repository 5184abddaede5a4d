using Aggregator.Data;

namespace Aggregator.Api.Features.Rollups.Get;

internal static class Data
{
    // A class, not a positional record: Dapper cannot bind a text[] column to a constructor parameter.
    public sealed class Header
    {
        public string Template { get; init; } = "";
        public DateTime ComputedAt { get; init; }
        public bool Stale { get; init; }
        public int Expected { get; init; }
        public int Reported { get; init; }
        public string[] Missing { get; init; } = [];
        public string[] AwaitingReview { get; init; } = [];
    }
    public sealed record ValueRow(string Indicator, decimal? Value, int Reporters);

    public static Task<Header?> FindAsync(DbSession db, int year, long orgUnitId)
    {
        const string sql = $"""
            SELECT s.template AS Template, s.computed_at AS ComputedAt, {FigureScope.StaleSql} AS Stale,
                   c.expected AS Expected, c.reported AS Reported, c.missing AS Missing, c.awaiting_review AS AwaitingReview
            FROM rollup_state s
            JOIN rollup_completeness c ON c.tenant_id = s.tenant_id AND c.year = s.year AND c.org_unit_id = @orgUnitId
            WHERE s.tenant_id = @tenantId AND s.year = @year AND s.computed_at IS NOT NULL
            """;
        return db.QuerySingleOrDefaultAsync<Header>(sql, new { tenantId = db.Tenant, year, orgUnitId });
    }

    public static Task<IEnumerable<ValueRow>> ValuesAsync(DbSession db, int year, long orgUnitId) =>
        db.QueryAsync<ValueRow>(
            "SELECT indicator AS Indicator, value AS Value, reporters AS Reporters FROM rollup_values WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId",
            new { tenantId = db.Tenant, year, orgUnitId });
}
