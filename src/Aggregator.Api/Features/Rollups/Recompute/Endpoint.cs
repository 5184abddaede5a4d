using Aggregator.Api.Auth;
using Aggregator.Api.Limits;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Jobs;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Shared;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using Aggregator.Jobs.Rollups;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Rollups.Recompute;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }
}

public sealed record Response(string JobId, string Status);

public sealed class Endpoint(TenantDb tenantDb, TemplateCatalog catalog, TenantCalendar calendar, RecomputeRequests recomputes) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/org-units/{org}/rollups/{year}/recompute");
        Group<TenantGroup>();
        Description(d => d.WithTags("Rollups").AllowedFor(KeyRoles.Reviewer).RequireRateLimiting(RateLimits.StrictPolicy).ClearDefaultProduces(200).Produces<Response>(202)
            .AnswersProblem(400, "The year is one no report can be stored for (before 2008, or not begun where the tenant is)."));
        Summary(s => s.Summary = "Queues a recompute of the tenant's figures for the year. Reviewer. Follow the job at Location.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var access = ProcessorState<RequestAccess>();
        var (caller, tenantId) = access;
        // The years a report can be stored for: a recompute of year 9999 would store figures of a year that cannot exist.
        var currentYear = calendar.YearIn(access.TimeZone);
        if (!ReportYears.Accepts(req.Year, currentYear)) ThrowError(r => r.Year, ReportYears.Message(currentYear));

        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            _ = await FigureScope.FindUnitAsync(db, caller, req.Org);
            await db.CommitAsync();
        }
        if (catalog.ForYear(req.Year) is null)
            throw ProblemException.NotFound(ProblemText.NoTemplateForYear(req.Year));

        // The job recomputes the whole (tenant, year): every unit's figures come from the same run. While one
        // is still waiting to run, a further request gets that job rather than queuing another.
        var jobId = await JobHandles.ForAsync(tenantDb, tenantId, await recomputes.EnsureQueuedAsync(tenantId, req.Year), CancellationToken.None);
        HttpContext.Response.Headers.Location = $"/api/v1/jobs/{jobId}";
        await Send.ResponseAsync(new Response(jobId, "queued"), StatusCodes.Status202Accepted, ct);
    }
}
