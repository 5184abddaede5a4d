using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using FastEndpoints;

namespace Aggregator.Api.Features.Reports.Diff;

public sealed class Endpoint(TenantDb tenantDb, TemplateCatalog catalog) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/org-units/{org}/reports/{year}/versions/{v}/diff");
        Group<TenantGroup>();
        Description(d => d.WithTags("Reports").AllowedForAnyKey());
        Summary(s => s.Summary =
            "The cells changed, added and removed from version `against` to version v. `against` is optional: by default the " +
            "previous version (v − 1), and for version 1 an empty report (every cell added). An unknown version (v or against) is a 404.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var newer = await VersionReads.FindAsync(db, caller, req, req.V);
        // Version 1 has no previous version: by default it is compared with an empty report.
        var against = req.Against ?? req.V - 1;
        var older = req.Against is null && against == 0 ? null : await VersionReads.FindAsync(db, caller, req, against);
        await db.CommitAsync();

        await Send.OkAsync(Compare(newer, older), ct);
    }

    private Response Compare(VersionRow version, VersionRow? against)
    {
        var to = version.ValuesInOrder(catalog);
        if (against is null) return new Response(version.Version, null, version.Template, null, [], to.Select(Cell).ToList(), []);
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
