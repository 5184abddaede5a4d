using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Rollups;
using Aggregator.Data;
using Aggregator.Api.Features.Shared;
using FastEndpoints;

namespace Aggregator.Api.Features.Completeness.Get;

public sealed class Endpoint(FigureDb figureDb, FigureAnswers answers) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/org-units/{org}/completeness/{year}");
        Group<TenantGroup>();
        Description(d => d.WithTags("Completeness").AllowedFor([.. FigureScope.ReadRoles, KeyRoles.TenantAdmin]).Produces(304)
            .AcceptsHeader("If-None-Match", FigureAnswers.IfNoneMatchDoc)
            .AnswersProblem(400, "The year is one no report can be stored for (before 2008, or not begun anywhere)."));
        Summary(s =>
        {
            s.Summary = "Who of the units at or below this one has reported the year, on time or late against the deadline, who awaits " +
                        "review and who is missing. Read live. Viewer, reviewer or tenant-admin at or above the unit.";
            s.ResponseExamples[200] = Examples.Completeness;
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        var read = answers.Begin(HttpContext, ProcessorState<RequestAccess>(), [req.Year]);
        if (await answers.TryAnswerFromMemoryAsync(HttpContext, read, ct)) return;
        var completeness = await figureDb.ReadAsync(ProcessorState<RequestAccess>(), req.Org, [req.Year],
            (db, unit) => CompletenessReader.ReadAsync(db, unit.OrgUnitId, req.Year, ProcessorState<RequestAccess>().TimeZone.Id), ct);
        await answers.SendAsync(HttpContext, read, completeness, null, ct);
    }
}
