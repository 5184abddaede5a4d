using System.Text.Json;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Data;
using Dapper;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Audit.List;

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/audit");
        Group<TenantGroup>();
        Description(d => d.WithTags("Audit").AllowedFor(KeyRoles.TenantAdmin, KeyRoles.Reviewer));
        Summary(s => s.Summary =
            "Every write and review transition of the tenant, newest first in commit order, keyset-paged (pass next as after, opaque): " +
            "a new entry always shows above those already listed, so a follower reads from the top until it meets one it has seen. Filters: unit, year, " +
            "actor. Tenant-admin or reviewer: entries about units at or below the key's unit; entries about no unit (settings, " +
            "deadlines, keys) only for keys of the root unit.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        // Keyset paging in commit order. audit_id is taken at insert, not at commit: a transaction that commits after a
        // newer one was read would land below a cursor already handed out. So the position is (xact_id, audit_id) and
        // only entries of transactions older than the snapshot's xmin are listed: every one of them has finished, so
        // whatever commits later has a greater position and shows above what was read, never below. Entries of a
        // transaction still in flight are held back until it ends (usually milliseconds; at most as long as the
        // oldest write in progress). Writers take no lock for it.
        const string sql = $"""
            SELECT a.entry_id AS Id, a.at AS At, a.actor AS Actor, a.action AS Action, a.subject AS Subject,
                   o.code AS OrgUnit, a.year AS Year, a.details::text AS Details
            FROM audit_log a
            LEFT JOIN org_units o ON o.tenant_id = a.tenant_id AND o.org_unit_id = a.org_unit_id
            WHERE a.tenant_id = @TenantId
              AND a.xact_id < pg_snapshot_xmin(pg_current_snapshot())
              AND (@afterXact::xid8 IS NULL OR (a.xact_id, a.audit_id) < (@afterXact::xid8, @afterId::bigint))
              AND (@year::int IS NULL OR a.year = @year)
              AND (@actor::text IS NULL OR a.actor = @actor)
              AND (@unitId::bigint IS NULL OR a.org_unit_id = @unitId)
              AND (CASE WHEN a.org_unit_id IS NULL THEN @atRoot
                        ELSE (@ScopePath::ltree IS NULL OR o.path <@ @ScopePath::ltree) END)
            ORDER BY a.xact_id DESC, a.audit_id DESC
            LIMIT @take
            """;
        const string findCursor = """
            SELECT a.xact_id::text AS Xact, a.audit_id AS Id FROM audit_log a WHERE a.tenant_id = @TenantId AND a.entry_id = @entryId
            """;
        const string findUnit = $"SELECT o.org_unit_id FROM org_units o WHERE o.code = @code AND {OrgScope.SqlFilter}";

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var scope = OrgScope.Of(caller, tenantId);
        long? unitId = null;
        if (req.Unit is not null)
        {
            var unitParameters = new DynamicParameters(scope);
            unitParameters.Add("code", req.Unit);
            unitId = await db.QuerySingleOrDefaultAsync<long?>(findUnit, unitParameters)
                     ?? throw ProblemException.NotFound(ProblemText.OrgUnitNotFound(req.Unit));
        }
        Position? after = null;
        if (req.After is not null)
        {
            _ = AuditCursor.TryParse(req.After, out var entryId);
            // A cursor of no entry of this tenant's log (another tenant's, or made up): the same answer as a malformed one.
            after = await db.QuerySingleOrDefaultAsync<Position>(findCursor, new { TenantId = tenantId, entryId })
                    ?? throw ProblemException.Invalid("after", ProblemText.AuditCursor());
        }
        var parameters = new DynamicParameters(scope);
        parameters.AddDynamicParams(new
        {
            afterXact = after?.Xact, afterId = after?.Id, year = req.Year, actor = req.Actor, unitId, atRoot = RootUnit.IsAtRoot(caller), take = req.Limit + 1,
        });
        var rows = (await db.QueryAsync<Row>(sql, parameters)).ToList();
        await db.CommitAsync();

        var page = rows.Take(req.Limit).Select(row => new Entry(row.Id, row.At, row.Actor, row.Action, row.Subject, row.OrgUnit, row.Year,
            JsonSerializer.Deserialize<JsonElement>(row.Details))).ToList();
        await Send.OkAsync(new Response(page, rows.Count > req.Limit ? AuditCursor.Of(page[^1].Id) : null), ct);
    }

    private sealed record Position(string Xact, long Id);

    private sealed record Row(Guid Id, DateTime At, string Actor, string Action, string Subject, string? OrgUnit, int? Year, string Details);
}
