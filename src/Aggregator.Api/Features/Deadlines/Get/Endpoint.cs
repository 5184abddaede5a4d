using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Reports.Shared;
using FluentValidation;
using Aggregator.Data;
using FastEndpoints;

namespace Aggregator.Api.Features.Deadlines.Get;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public int Year { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator(TimeProvider clock) => RuleFor(r => r.Year).Must(year => ReportYears.Accepts(year, ReportYears.LatestAnywhere(clock)))
            .WithMessage(_ => ReportYears.Message(ReportYears.LatestAnywhere(clock)));
    }
}

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request, DeadlineView>
{
    public override void Configure()
    {
        Get("/deadlines/{year}");
        Group<TenantGroup>();
        Description(d => d.WithTags("Deadlines").AllowedForAnyKey()
            .AnswersProblem(400, "The year is one no report can be stored for (before 2008, or not begun anywhere)."));
        Summary(s => s.Summary =
            "When the year's reports are due, in the tenant's time zone: the end of 31 January of the following year unless a " +
            "tenant-admin set another date (isDefault false, with who and when).");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var access = ProcessorState<RequestAccess>();
        await using var db = await tenantDb.BeginAsync(access.TenantId, ct);
        var deadline = await DeadlineView.ReadAsync(db, req.Year, access.TimeZone);
        await db.CommitAsync();
        await Send.OkAsync(deadline, ct);
    }
}
