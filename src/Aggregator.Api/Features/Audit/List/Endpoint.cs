using System.Text.Json;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Data;
using Dapper;
using FastEndpoints;

namespace Aggregator.Api.Features.Audit.List;

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/audit");
        Group<TenantGroup>();
        Description(d => d.WithTags("Audit").AllowedFor(KeyRoles.TenantAdmin, KeyRoles.Reviewer));
        Summary(s => s.Summary =
            "Every write and review transition of the tenant, newest first, keyset-paged (pass next as after). Filters: unit, year, " +
            "actor. Tenant-admin or reviewer: entries about units at or below the key's unit; entries about no unit (settings, " +
            "deadlines, keys) only for keys of the root unit.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        // Keyset paging on audit_id, which only grows: a page never repeats an entry, and entries added meanwhile do not
        // shift the pages. An id is taken when the entry is written, not when it commits, so an entry whose transaction
        // commits after a newer one was read can sit below a cursor already handed out: a client that follows the log
        // re-reads its last page rather than trusting a cursor from a page read while writes were in flight.
        const string sql = $"""
            SELECT a.audit_id AS Id, a.at AS At, a.actor AS Actor, a.action AS Action, a.subject AS Subject,
                   o.code AS OrgUnit, a.year AS Year, a.details::text AS Details
            FROM audit_log a
            LEFT JOIN org_units o ON o.tenant_id = a.tenant_id AND o.org_unit_id = a.org_unit_id
            WHERE a.tenant_id = @TenantId
              AND (@after::bigint IS NULL OR a.audit_id < @after)
              AND (@year::int IS NULL OR a.year = @year)
              AND (@actor::text IS NULL OR a.actor = @actor)
              AND (@unitId::bigint IS NULL OR a.org_unit_id = @unitId)
              AND (CASE WHEN a.org_unit_id IS NULL THEN @atRoot
                        ELSE (@ScopePath::ltree IS NULL OR o.path <@ @ScopePath::ltree) END)
            ORDER BY a.audit_id DESC
            LIMIT @take
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
                     ?? throw ProblemException.NotFound($"Org unit '{req.Unit}'");
        }
        var parameters = new DynamicParameters(scope);
        parameters.AddDynamicParams(new
        {
            after = req.After, year = req.Year, actor = req.Actor, unitId, atRoot = RootUnit.IsAtRoot(caller), take = req.Limit + 1,
        });
        var rows = (await db.QueryAsync<Row>(sql, parameters)).ToList();
        await db.CommitAsync();

        var page = rows.Take(req.Limit).Select(row => new Entry(row.Id, row.At, row.Actor, row.Action, row.Subject, row.OrgUnit, row.Year,
            JsonSerializer.Deserialize<JsonElement>(row.Details))).ToList();
        await Send.OkAsync(new Response(page, rows.Count > req.Limit ? page[^1].Id : null), ct);
    }

    private sealed record Row(long Id, DateTime At, string Actor, string Action, string Subject, string? OrgUnit, int? Year, string Details);
}
