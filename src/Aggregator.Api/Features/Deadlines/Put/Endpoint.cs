using System.Globalization;
using System.Text.RegularExpressions;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Shared;
using Aggregator.Data;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Deadlines.Put;

public sealed partial class Request
{
    public string Tenant { get; init; } = "";
    public int Year { get; init; }
    /// <summary>ISO 8601 with its offset, e.g. 2018-01-31T23:59:59+08:00 (a time without an offset would be ambiguous).</summary>
    public string Due { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Due).Must(due => Parse(due) is not null)
            .WithMessage(_ => ProblemText.DueFormat());
    }

    public static DateTimeOffset? Parse(string? due) =>
        due is { Length: <= 40 } && WithOffset().IsMatch(due)
        && DateTimeOffset.TryParseExact(due, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value : null;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex WithOffset();
}

public sealed class Endpoint(TenantDb tenantDb, TenantCalendar calendar, FollowUps followUps) : Endpoint<Request, DeadlineView>
{
    public override void Configure()
    {
        Put("/deadlines/{year}");
        Group<TenantGroup>();
        Description(d => d.WithTags("Deadlines").AllowedFor(KeyRoles.TenantAdmin));
        Summary(s =>
        {
            s.Summary = "Sets when the year's reports are due, instead of the end of 31 January of the following year. Tenant-admin of the root unit. " +
                        "Timeliness in completeness follows at once.";
            s.ExampleRequest = new { due = "2018-01-31T23:59:59+08:00" };
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var access = ProcessorState<RequestAccess>();
        var (caller, tenantId) = access;
        RootUnit.Require(caller, ProblemText.ActSetDeadlines());
        var currentYear = calendar.YearIn(access.TimeZone);
        if (!ReportYears.Accepts(req.Year, currentYear)) throw ProblemException.Invalid("year", ReportYears.Message(currentYear));
        var due = Request.Parse(req.Due)!.Value;
        var yearBegins = new DateTime(req.Year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        if (due < new DateTimeOffset(yearBegins, access.TimeZone.GetUtcOffset(yearBegins)))
            throw ProblemException.Invalid("due", ProblemText.DueBeforeYear(req.Year));
        if (due.Year > req.Year + 10)
            throw ProblemException.Invalid("due", ProblemText.DueTooLate(req.Year));

        const string upsert = """
            INSERT INTO deadlines AS d (tenant_id, year, due, set_by) VALUES (@tenantId, @year, @due, @setBy)
            ON CONFLICT (tenant_id, year) DO UPDATE SET due = excluded.due, set_by = excluded.set_by, set_at = now()
            """;
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        await db.ExecuteAsync(upsert, new { tenantId, year = req.Year, due = due.UtcDateTime, setBy = caller.Actor });
        await AuditLog.AppendAsync(db, tenantId, caller.Actor, "deadline.set", new AuditSubject($"deadline/{req.Year}", Year: req.Year),
            new { year = req.Year, due = DeadlineView.Format(due) });
        // Completeness answers on time / late against it: its cached answers and ETags move with the year's generation.
        await FigureChanges.RecordAsync(db, tenantId, req.Year, FigureChanges.Deadline);
        var deadline = await DeadlineView.ReadAsync(db, req.Year, access.TimeZone);
        await db.CommitAsync();
        followUps.Announce(tenantId, [req.Year]);
        await Send.OkAsync(deadline, ct);
    }
}
