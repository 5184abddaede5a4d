using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Imports;
using Aggregator.Data;
using Aggregator.Jobs.Rollups;
using FastEndpoints;
using Hangfire;
using Hangfire.States;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Jobs.Get;

public sealed class Request
{
    public string Id { get; init; } = "";
}

/// <summary>
/// kind: rollup, import, …; state: Enqueued, Processing, Succeeded, Failed, … (Hangfire's state names).
/// <c>result</c>: an import's summary once it has Succeeded; null otherwise and for other kinds.
/// </summary>
public sealed record Response(
    string Id, string Kind, int? Year, string State, DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, string? Error,
    ImportSummary? Result);

public sealed class Endpoint(JobStorage storage, TenantDb tenantDb) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/v1/jobs/{id}");
        Description(d => d.WithTags("Jobs").AllowedForAnyKey());
        Summary(s => s.Summary = "A background job queued by this API: its state, times and error, and an import's summary once it has " +
                                 "succeeded. Keys see their own tenant's jobs. The id is the one a 202 named (Location, jobId): 32 hex digits of the tenant's own.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var caller = ProcessorState<RequestAccess>().Caller;
        var notFound = ProblemException.NotFound(ProblemText.JobNotFound(req.Id));
        // The id is the tenant's handle of the job (job_handles), never Hangfire's number: a key finds its own tenant's jobs only.
        if (caller is { IsAdmin: false, TenantId: null }) throw notFound;
        var handle = await JobHandles.FindAsync(tenantDb, caller.IsAdmin ? null : caller.TenantId, req.Id, ct) ?? throw notFound;

        var details = storage.GetMonitoringApi().JobDetails(handle.HangfireJobId);
        // Jobs carry ids only; the tenant id is the first argument of every tenant job.
        if (details?.Job is not { } job || job.Args.Count == 0 || job.Args[0] is not Guid tenantId || tenantId != handle.TenantId) throw notFound;

        var history = details.History ?? [];
        var current = history.FirstOrDefault();
        var started = history.LastOrDefault(h => h.StateName == ProcessingState.StateName);
        var finished = history.FirstOrDefault(h => h.StateName == SucceededState.StateName || h.StateName == FailedState.StateName || h.StateName == DeletedState.StateName);
        // The exception text can carry database internals: only roles that run recomputes see it.
        var failed = current?.StateName == FailedState.StateName;
        var error = !failed ? null
            : caller.IsAdmin || caller.Role is KeyRoles.Reviewer or KeyRoles.TenantAdmin
                ? (current!.Data.TryGetValue("ExceptionMessage", out var message) ? message : "The job failed.")
                : "The job failed; a reviewer can see why.";

        // An import's summary is kept in its row (csv_imports), not in Hangfire's state data, which expires with the job.
        ImportSummary? result = null;
        if (job.Type == typeof(ImportJob) && current?.StateName == SucceededState.StateName && job.Args.Count > 1 && job.Args[1] is Guid importId)
        {
            await using var db = await tenantDb.BeginAsync(tenantId, ct);
            result = await ImportResults.SummaryAsync(db, tenantId, importId);
            await db.CommitAsync();
        }

        await Send.OkAsync(new Response(
            req.Id,
            job.Type == typeof(RollupJob) ? "rollup" : job.Type == typeof(ImportJob) ? "import"
                : job.Type == typeof(Aggregator.Jobs.Upstream.UpstreamSubmissionJob) ? "upstream" : job.Type.Name,
            job.Args.Count > 1 && job.Args[1] is int year ? year : null,
            current?.StateName ?? "Unknown",
            details.CreatedAt ?? DateTime.MinValue,
            started?.CreatedAt,
            finished?.CreatedAt,
            error,
            result), ct);
    }
}
