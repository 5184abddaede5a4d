using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Shared;
using Aggregator.Data;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Tenants.Create;

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/api/v1/tenants");
        Description(d => d.WithTags("Tenants").AllowedForAdmin().ClearDefaultProduces(200).Produces<Response>(201)
            .AnswersProblem(409, "A tenant with this code exists."));
        Summary(s => s.Summary = "Registers a tenant (a district or city) with the root of its org-unit tree. Admin only.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = ProcessorState<RequestAccess>().Caller;

        var tenantId = Guid.CreateVersion7();
        await using var db = await tenantDb.BeginTenantCreationAsync(tenantId, ct);
        if (await Data.CodeTakenAsync(db, req.Code))
            throw ProblemException.Conflict(ProblemText.TenantExists(req.Code));
        var timeZone = req.TimeZone ?? TimeZones.Default;
        var createdAt = await Data.InsertTenantAsync(db, tenantId, req, timeZone);
        await AuditLog.AppendAsync(db, tenantId, caller.Actor, "tenant.created", req.Code, req);
        await db.CommitAsync();

        await Send.CreatedAtAsync<Get.Endpoint>(new { tenant = req.Code },
            new Response(req.Code, req.Name, req.Kind, timeZone, createdAt), cancellation: ct);
    }
}
