using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using FastEndpoints;

namespace Aggregator.Api.Features.Reports.Diff;

public sealed class Endpoint(TenantDb tenantDb, TenantScope tenants, TemplateCatalog catalog) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}/diff");
        Description(d => d.WithTags("Reports").OpenToAnyKey());
        Summary(s => s.Summary = "The cells changed, added and removed between two versions (?against=u).");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = Caller.From(User);
        var tenantId = await tenants.ResolveAsync(caller, req.Tenant, ct);

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var newer = await VersionReads.FindAsync(db, caller, req, req.V);
        var older = await VersionReads.FindAsync(db, caller, req, req.Against);
        await db.CommitAsync();

        await Send.OkAsync(Compare(newer, older), ct);
    }

    private Response Compare(VersionRow version, VersionRow against)
    {
        var to = version.ValuesInOrder(catalog);
        var from = against.ValuesInOrder(catalog);
        if (version.Template != against.Template)
        {
            return new Response(version.Version, against.Version, version.Template, against.Template, [],
                to.Select(Cell).ToList(), from.Select(Cell).ToList());
        }

        var before = from.ToDictionary(StringComparer.Ordinal);
        var after = to.ToDictionary(StringComparer.Ordinal);
        var changed = to.Where(cell => before.TryGetValue(cell.Key, out var old) && old != cell.Value)
            .Select(cell => new Change(cell.Key, before[cell.Key], cell.Value)).ToList();
        var added = to.Where(cell => !before.ContainsKey(cell.Key)).Select(Cell).ToList();
        var removed = from.Where(cell => !after.ContainsKey(cell.Key)).Select(Cell).ToList();
        return new Response(version.Version, against.Version, version.Template, against.Template, changed, added, removed);
    }

    private static Cell Cell(KeyValuePair<string, decimal?> pair) => new(pair.Key, pair.Value);
}
