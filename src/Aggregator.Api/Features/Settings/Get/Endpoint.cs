using Aggregator.Api.Auth;
using Aggregator.Data;
using FastEndpoints;

namespace Aggregator.Api.Features.Settings.Get;

public sealed class Request
{
    public string Tenant { get; init; } = "";
}

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request, SettingsView>
{
    public override void Configure()
    {
        Get("/settings");
        Group<TenantGroup>();
        Description(d => d.WithTags("Settings").AllowedForAnyKey());
        Summary(s =>
        {
            s.Summary = "The tenant's settings: whether versions need a reviewer's acceptance before they count, and its time zone.";
            s.ResponseExamples[200] = Examples.Settings;
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (_, tenantId) = ProcessorState<RequestAccess>();
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var settings = await Data.ReadAsync(db);
        await db.CommitAsync();
        await Send.OkAsync(settings, ct);
    }
}
