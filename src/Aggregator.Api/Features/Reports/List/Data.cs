using Aggregator.Api.Auth;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Data;
using Dapper;

namespace Aggregator.Api.Features.Reports.List;

internal static class Data
{
    private const string Joins = """
        FROM reports r
        JOIN org_units o ON o.tenant_id = r.tenant_id AND o.org_unit_id = r.org_unit_id
        """;

    private const string Filter = $"""
        WHERE (@year::int IS NULL OR r.year = @year)
          AND (@orgUnit::text IS NULL OR o.path <@ (SELECT f.path FROM org_units f WHERE f.tenant_id = @TenantId AND f.code = @orgUnit))
          AND {OrgScope.SqlFilter}
        """;

    public static async Task<(List<Item> Items, long Total)> PageAsync(DbSession db, Request req, OrgScope scope)
    {
        const string count = $"SELECT count(*) {Joins} {Filter}";
        const string page = $"""
            SELECT o.code AS OrgUnit, o.name AS OrgUnitName, r.year AS Year, r.template AS Template,
                   r.current_version AS Version, v.created_at AS ReportedAt, v.api_key_id AS ReportedBy, k.name AS ReportedByName,
                   v.status AS Status, r.counted_version AS CountedVersion, r.locked AS Locked
            {Joins}
            JOIN report_versions v ON v.tenant_id = r.tenant_id AND v.org_unit_id = r.org_unit_id
                                  AND v.year = r.year AND v.version = r.current_version
            {VersionRow.KeyJoin}
            {Filter}
            ORDER BY r.year DESC, o.code
            LIMIT @pageSize OFFSET @offset
            """;
        var parameters = new DynamicParameters(scope);
        parameters.AddDynamicParams(new { year = req.Year, orgUnit = req.OrgUnit, pageSize = req.PageSize, offset = (req.Page - 1) * req.PageSize });
        var total = await db.QuerySingleAsync<long>(count, parameters);
        var items = (await db.QueryAsync<Item>(page, parameters)).ToList();
        return (items, total);
    }
}
