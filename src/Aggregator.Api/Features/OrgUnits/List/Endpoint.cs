using Aggregator.Api.OpenApi;
using Aggregator.Api.Auth;
using Aggregator.Data;
using Dapper;
using FastEndpoints;

namespace Aggregator.Api.Features.OrgUnits.List;

public sealed class Request
{
    public string Tenant { get; init; } = "";
}

public sealed record Response(IReadOnlyList<OrgUnitView> Items);

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/org-units");
        Group<TenantGroup>();
        Description(d => d.WithTags("Org units").AllowedForAnyKey());
        Summary(s => s.Summary = "The org units in the caller's scope, parents before their children.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        const string sql = $"SELECT {OrgUnitView.Columns} FROM org_units o WHERE {OrgScope.SqlFilter} ORDER BY nlevel(o.path), o.code";

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var units = (await db.QueryAsync<OrgUnitView>(sql, new DynamicParameters(OrgScope.Of(caller, tenantId)))).ToList();
        await db.CommitAsync();
        await Send.OkAsync(new Response(units), ct);
    }
}
