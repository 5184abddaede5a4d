using Aggregator.Api.Errors.Texts;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Jobs;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Limits;
using Aggregator.Api.OpenApi;
using Aggregator.Data;
using Aggregator.Jobs.Upstream;
using FastEndpoints;
using FluentValidation;
using Hangfire;
using Hangfire.States;

namespace Aggregator.Api.Features.Upstream.Submit;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public int Year { get; init; }
    /// <summary>Hand the year up although units are missing or awaiting review; <c>reason</c> then says why.</summary>
    public bool AllowIncomplete { get; init; }
    /// <summary>Why (required with allowIncomplete); handed up with the figures, in the version's source.</summary>
    public string? Reason { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public const int MaxReason = 1000;

        public Validator(TimeProvider clock)
        {
            RuleFor(r => r.Year).Must(year => ReportYears.Accepts(year, ReportYears.LatestAnywhere(clock)))
                .WithMessage(_ => ReportYears.Message(ReportYears.LatestAnywhere(clock)));
            RuleFor(r => r.Reason).MaximumCharacters(MaxReason);
            RuleFor(r => r.Reason).NotEmpty().When(r => r.AllowIncomplete).WithMessage("allowIncomplete 须附 reason：说明为何在单位缺报或待审时报送。");
        }
    }
}

/// <summary>The queued hand-up: follow the job at Location; GET …/upstream/{year} then says what upstream did with it.</summary>
public sealed record Response(string JobId, string SubmissionId, string Status, long Generation);

public sealed class Endpoint(TenantDb tenantDb, TenantCalendar calendar, IBackgroundJobClient jobs) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/upstream/{year}/submissions");
        Group<TenantGroup>();
        Description(d => d.WithTags("Upstream").AllowedForTenantRolesOnly(KeyRoles.TenantAdmin, KeyRoles.Reviewer)
            .RequireRateLimiting(RateLimits.StrictPolicy).ClearDefaultProduces(200).Produces<Response>(202)
            .AnswersProblem(409, "A rollup of the year is pending (/problems/figures-stale), or units are missing or awaiting review " +
                                 "(/problems/incomplete, with missing and awaitingReview) and the body did not say allowIncomplete with a reason."));
        Summary(s =>
        {
            s.Summary =
                "Hands the year up to the upstream tenant (逐级上报): a job POSTs the root's consolidated figures (accepted versions only; the " +
                "year's template, summable indicators only) as a version of this tenant's unit there, with its source. Tenant-admin or " +
                "reviewer of the root. 404 without an upstream link or without any report of the year.";
            s.ExampleRequest = new { allowIncomplete = true, reason = "陶然亭街道 reports late; handed up without it as agreed with the city office." };
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var access = ProcessorState<RequestAccess>();
        var (caller, tenantId) = access;
        RootUnit.Require(caller, ProblemText.ActHandUp());
        var currentYear = calendar.YearIn(access.TimeZone);
        if (!ReportYears.Accepts(req.Year, currentYear)) ThrowError(r => r.Year, ReportYears.Message(currentYear));

        var submissionId = Guid.NewGuid();
        long generation;
        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            _ = await UpstreamData.LinkAsync(db) ?? throw ProblemException.NotFound(ProblemText.UpstreamLinkNotFound());
            var figures = await UpstreamData.RootFiguresAsync(db, req.Year);
            if (!figures.AnyReport) throw ProblemException.NotFound($"A report of {req.Year}");
            if (figures.Stale || figures.Generation is null)
                throw new ProblemException(StatusCodes.Status409Conflict,
                    $"{req.Year} 年的汇总数据正在重算：有新的版本或审核尚未计入。请在重算完成后再报送。", type: UpstreamProblems.FiguresStale);
            if (!figures.Complete && !req.AllowIncomplete)
                throw new ProblemException(StatusCodes.Status409Conflict,
                    $"{req.Year} 年尚有 {figures.Missing.Length} 个单位未计入（缺报或待审）：报送须等其齐全，或在请求中写明 allowIncomplete 与 reason。",
                    new Dictionary<string, object?> { ["missing"] = figures.Missing, ["awaitingReview"] = figures.AwaitingReview },
                    type: UpstreamProblems.Incomplete);
            generation = figures.Generation.Value;
            await UpstreamData.InsertSubmissionAsync(db, submissionId, req.Year, generation, req.AllowIncomplete, req.Reason, caller.KeyId);
            await AuditLog.AppendAsync(db, tenantId, caller.Actor, "upstream.hand-up-queued", new AuditSubject($"upstream/{req.Year}", Year: req.Year),
                new { submissionId, generation, allowIncomplete = req.AllowIncomplete, reason = req.Reason });
            await db.CommitAsync();
        }

        // Ids only: the key waits encrypted in upstream_links, never in the job's arguments; the tenant first, as for every tenant job.
        var hangfireJobId = jobs.Create<UpstreamSubmissionJob>(job => job.ExecuteAsync(tenantId, submissionId, CancellationToken.None),
            new EnqueuedState(UpstreamSubmissionJob.Queue));
        var jobId = await JobHandles.ForAsync(tenantDb, tenantId, hangfireJobId, CancellationToken.None);
        HttpContext.Response.Headers.Location = $"/api/v1/jobs/{jobId}";
        await Send.ResponseAsync(new Response(jobId, submissionId.ToString("N"), "queued", generation), StatusCodes.Status202Accepted, ct);
    }
}
