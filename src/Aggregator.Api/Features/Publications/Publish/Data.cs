using Aggregator.Data;

namespace Aggregator.Api.Features.Publications.Publish;

internal static class Data
{
    public sealed record Unit(long OrgUnitId, string Code, string Name, bool IsRoot);
    public sealed record ValueRow(string Indicator, decimal? Value, int Reporters);
    public sealed record ComparisonRow(string Indicator, decimal? BaseValue, decimal? Delta, decimal? PctChange);
    public sealed record LatestRow(int Edition, string Figures);

    public static Task<Unit?> UnitAsync(DbSession db, string code) =>
        db.QuerySingleOrDefaultAsync<Unit>(
            "SELECT org_unit_id AS OrgUnitId, code AS Code, name AS Name, parent_id IS NULL AS IsRoot FROM org_units WHERE tenant_id = @tenantId AND code = @code",
            new { tenantId = db.Tenant, code });

    /// <summary>
    /// One publisher of the tenant's year at a time, so that two identical publishes cannot both see no edition and
    /// both write one; then the year's stored figures held (FOR SHARE) against a rollup replacing them meanwhile.
    /// </summary>
    public static Task LockAsync(DbSession db, int year) =>
        db.ExecuteAsync("""
            SELECT pg_advisory_xact_lock(hashtextextended('publications:' || @tenantId::text || ':' || @year::text, 0));
            SELECT 1 FROM rollup_state WHERE tenant_id = @tenantId AND year = @year FOR SHARE;
            """, new { tenantId = db.Tenant, year });

    public static Task<IEnumerable<ValueRow>> ValuesAsync(DbSession db, int year, long orgUnitId) =>
        db.QueryAsync<ValueRow>(
            "SELECT indicator AS Indicator, value AS Value, reporters AS Reporters FROM rollup_values WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId",
            new { tenantId = db.Tenant, year, orgUnitId });

    /// <summary>The stored comparison of the year against the year before, as the rollup job computed it.</summary>
    public static Task<IEnumerable<ComparisonRow>> ComparisonAsync(DbSession db, int year, long orgUnitId) =>
        db.QueryAsync<ComparisonRow>("""
            SELECT indicator AS Indicator, base_value AS BaseValue, delta AS Delta, pct_change AS PctChange
            FROM comparison_values WHERE tenant_id = @tenantId AND year = @year AND base_year = @year - 1 AND org_unit_id = @orgUnitId
            """, new { tenantId = db.Tenant, year, orgUnitId });

    /// <summary>The units of the subtree whose accepted version of the year counts, by code.</summary>
    public static Task<IEnumerable<CountedUnit>> CountedUnitsAsync(DbSession db, int year, long orgUnitId) =>
        db.QueryAsync<CountedUnit>("""
            SELECT o.code AS Code, o.name AS Name
            FROM org_units a
            JOIN org_units o ON o.tenant_id = a.tenant_id AND o.path <@ a.path
            JOIN reports r ON r.tenant_id = o.tenant_id AND r.org_unit_id = o.org_unit_id AND r.year = @year AND r.counted_version IS NOT NULL
            WHERE a.tenant_id = @tenantId AND a.org_unit_id = @orgUnitId
            ORDER BY o.code COLLATE "C"
            """, new { tenantId = db.Tenant, year, orgUnitId });

    public static Task<LatestRow?> LatestAsync(DbSession db, int year) =>
        db.QuerySingleOrDefaultAsync<LatestRow>(
            "SELECT edition AS Edition, figures::text AS Figures FROM publications WHERE tenant_id = @tenantId AND year = @year ORDER BY edition DESC LIMIT 1",
            new { tenantId = db.Tenant, year });

    public static Task InsertAsync(DbSession db, int year, int edition, Unit unit, string template, string figures, string? yoy, string changelog,
        string countedUnits, long generation, DateTime computedAt, DateTimeOffset publishedAt, string publishedBy) =>
        db.ExecuteAsync("""
            INSERT INTO publications (tenant_id, year, edition, org_unit_id, org_unit, org_unit_name, template, figures, yoy, changelog,
                                      counted_units, generation, computed_at, published_at, published_by)
            VALUES (@tenantId, @year, @edition, @orgUnitId, @code, @name, @template, @figures::jsonb, @yoy::jsonb, @changelog::jsonb,
                    @countedUnits::jsonb, @generation, @computedAt, @publishedAt, @publishedBy)
            """, new
            {
                tenantId = db.Tenant, year, edition, orgUnitId = unit.OrgUnitId, code = unit.Code, name = unit.Name, template, figures, yoy, changelog,
                countedUnits, generation, computedAt, publishedAt, publishedBy,
            });
}
