using Aggregator.Data;

namespace Aggregator.Api.Features.Publications;

/// <summary>
/// Reads of published editions: in the publishing tenant's own transaction (by its id), or in a key-less public read
/// (<see cref="TenantDb.BeginPublicReadAsync"/>, by the tenant's code), where row-level security lets the transaction see
/// that tenant's registry row and editions and nothing else.
/// </summary>
public static class PublicData
{
    public sealed record EditionItem(int Year, int Edition, DateTime PublishedAt, int Changes);
    public sealed record TenantRow(string Tenant, string TenantName);

    private const string Columns = """
        t.code AS Tenant, t.name AS TenantName, t.time_zone AS TimeZone, p.org_unit AS OrgUnit, p.org_unit_name AS OrgUnitName,
        p.year AS Year, p.edition AS Edition, p.template AS Template, p.published_at AS PublishedAt, p.computed_at AS ComputedAt,
        p.figures::text AS Figures, p.yoy::text AS Yoy, p.changelog::text AS Changelog, p.counted_units::text AS CountedUnits
        FROM publications p JOIN tenants t ON t.tenant_id = p.tenant_id
        """;

    /// <summary>An edition of the year, in the tenant's own transaction.</summary>
    public static Task<EditionRow?> EditionAsync(DbSession db, int year, int edition) =>
        db.QuerySingleOrDefaultAsync<EditionRow>($"SELECT {Columns} WHERE p.tenant_id = @tenantId AND p.year = @year AND p.edition = @edition",
            new { tenantId = db.Tenant, year, edition });

    /// <summary>The edition <paramref name="edition"/> of the year, or the latest when null, of the tenant named by its code.</summary>
    public static Task<EditionRow?> PublishedAsync(DbSession db, string tenant, int year, int? edition) =>
        db.QuerySingleOrDefaultAsync<EditionRow>($"""
            SELECT {Columns}
            WHERE t.code = @tenant AND p.year = @year AND (@edition::integer IS NULL OR p.edition = @edition)
            ORDER BY p.edition DESC LIMIT 1
            """, new { tenant, year, edition });

    public static Task<TenantRow?> TenantAsync(DbSession db, string tenant) =>
        db.QuerySingleOrDefaultAsync<TenantRow>("SELECT code AS Tenant, name AS TenantName FROM tenants WHERE code = @tenant", new { tenant });

    /// <summary>Every edition of the tenant, the newest year first and, within a year, the newest edition first.</summary>
    public static Task<IEnumerable<EditionItem>> EditionsAsync(DbSession db, string tenant) =>
        db.QueryAsync<EditionItem>("""
            SELECT p.year AS Year, p.edition AS Edition, p.published_at AS PublishedAt, jsonb_array_length(p.changelog) AS Changes
            FROM publications p JOIN tenants t ON t.tenant_id = p.tenant_id
            WHERE t.code = @tenant
            ORDER BY p.year DESC, p.edition DESC
            """, new { tenant });
}
