using Aggregator.Api.OpenApi;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Data;
using Dapper;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.OrgUnits.Get;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
}

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request, OrgUnitView>
{
    public override void Configure()
    {
        Get("/org-units/{org}");
        Group<TenantGroup>();
        Description(d => d.WithTags("Org units").AllowedForAnyKey());
        Summary(s => s.Summary = "One org unit in the caller's scope.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        const string sql = $"SELECT {OrgUnitView.Columns} FROM org_units o WHERE o.code = @Org AND {OrgScope.SqlFilter}";
        var parameters = new DynamicParameters(OrgScope.Of(caller, tenantId));
        parameters.Add("Org", req.Org);

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var unit = await db.QuerySingleOrDefaultAsync<OrgUnitView>(sql, parameters)
                   ?? throw ProblemException.NotFound(ProblemText.OrgUnitNotFound(req.Org));
        await db.CommitAsync();
        await Send.OkAsync(unit, ct);
    }
}
