using Aggregator.Api.Features.Deadlines;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Data;

namespace Aggregator.Api.Features.Completeness;

/// <summary>
/// Who of the units at or below a unit has reported a year, whether on time, and where each stands in review.
/// Read live from the reports (it is one small query), not from the stored rollup, so it is exact the moment a
/// version or a review move commits. Expected units are those the rollups expect: units without children, units
/// flagged as reporting their own figures, and any unit that did report.
/// </summary>
public static class CompletenessReader
{
    public const string Missing = "missing";

    public static async Task<Get.Response> ReadAsync(DbSession db, long orgUnitId, int year, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var deadline = await DeadlineView.ReadAsync(db, year, zone);
        const string sql = """
            WITH below AS (
                SELECT o.org_unit_id, o.code, o.name, o.reports,
                       EXISTS (SELECT 1 FROM org_units c WHERE c.tenant_id = o.tenant_id AND c.parent_id = o.org_unit_id) AS has_children
                FROM org_units top
                JOIN org_units o ON o.tenant_id = top.tenant_id AND o.path <@ top.path
                WHERE top.tenant_id = @tenantId AND top.org_unit_id = @orgUnitId
            )
            SELECT b.code AS OrgUnit, b.name AS Name, v.status AS Status, r.counted_version AS CountedVersion,
                   r.current_version AS CurrentVersion,
                   (SELECT min(coalesce(x.reported_at, x.created_at)) FROM report_versions x
                    WHERE x.tenant_id = @tenantId AND x.org_unit_id = b.org_unit_id AND x.year = @year) AS FirstReportedAt,
                   CASE WHEN v.status = 'returned' THEN v.status_comment END AS ReturnComment
            FROM below b
            LEFT JOIN reports r ON r.tenant_id = @tenantId AND r.org_unit_id = b.org_unit_id AND r.year = @year
            LEFT JOIN report_versions v ON v.tenant_id = @tenantId AND v.org_unit_id = b.org_unit_id AND v.year = @year
                                       AND v.version = r.current_version
            WHERE r.org_unit_id IS NOT NULL OR b.reports OR NOT b.has_children
            ORDER BY b.code COLLATE "C"
            """;
        var rows = (await db.QueryAsync<Row>(sql, new { tenantId = db.Tenant, orgUnitId, year })).ToList();

        var units = rows.Select(row =>
        {
            DateTimeOffset? first = row.FirstReportedAt is { } at
                ? TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)), zone)
                : null;
            return new Get.UnitCompleteness(row.OrgUnit, row.Name, row.Status ?? Missing, row.CountedVersion, row.CurrentVersion,
                first, first is { } reported ? DeadlineView.IsOnTime(reported, deadline.Due) : null, row.ReturnComment);
        }).ToList();
        // Reported: the newest version stands (awaiting review or accepted). A returned unit has to send a new version, so it
        // is counted as returned, not as reported, until it does: each unit is in exactly one of reported, returned, missing.
        var reported = units.Where(unit => unit.Status is not (Missing or ReviewStatus.Returned)).ToList();
        return new Get.Response(
            year,
            deadline.Due,
            Expected: units.Count,
            Reported: reported.Count,
            Counted: units.Count(unit => unit.CountedVersion is not null),
            OnTime: reported.Count(unit => unit.OnTime == true),
            Late: reported.Count(unit => unit.OnTime == false),
            AwaitingReview: units.Count(unit => unit.Status == ReviewStatus.Submitted),
            Returned: units.Count(unit => unit.Status == ReviewStatus.Returned),
            Missing: units.Where(unit => unit.Status == Missing).Select(unit => new Get.MissingUnit(unit.OrgUnit, unit.Name)).ToList(),
            Units: units);
    }

    private sealed record Row(string OrgUnit, string Name, string? Status, int? CountedVersion, int? CurrentVersion, DateTime? FirstReportedAt, string? ReturnComment);
}
