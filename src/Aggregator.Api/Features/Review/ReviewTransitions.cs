using System.Text.Json;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Reports.Storing;
using Aggregator.Api.Features.Shared;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Review;

/// <summary>
/// The moves of a version through review, each inside the caller's transaction with its audit entry:
/// submitted → accepted (it counts from now on, and the year is locked), submitted → returned (it never counts),
/// and reopening an accepted year. Only the newest version can be accepted or returned: an older submitted one
/// was superseded by its unit. Repeating a move already made changes nothing (a retry is safe).
/// </summary>
public sealed class ReviewTransitions(TemplateCatalog catalog, FollowUps followUps)
{
    /// <summary>
    /// The version a move names, its report row locked first (see <see cref="Data.LockReportAsync"/>); 404 when the
    /// unit is outside the caller's scope or the report or version does not exist; 403 when the caller may not review
    /// that unit's work or reported the version itself (<see cref="Auth.SeparationOfDuties"/>). <paramref name="act"/>
    /// names the move in the refusal ("接受", "退回").
    /// </summary>
    public static async Task<(Data.ReportRow Report, Data.VersionRow Version)> FindAsync(DbSession db, Auth.Caller caller, VersionReviewRequest req,
        string act)
    {
        var notFound = ProblemException.NotFound(ProblemText.VersionNotFound(req.V, req.Org, req.Year));
        var report = await Data.LockReportAsync(db, caller, req.Org, req.Year) ?? throw notFound;
        var version = await Data.FindVersionAsync(db, report.OrgUnitId, req.Year, req.V) ?? throw notFound;
        Auth.SeparationOfDuties.RequireMayReview(caller, report.UnitPath, version.ReportedBy, act);
        return (report, version);
    }

    /// <summary>What the transition changed: the figures of the year (observers to notify after commit).</summary>
    public sealed record Outcome(bool Changed, bool FiguresChanged);

    public async Task<Outcome> AcceptAsync(DbSession db, Data.ReportRow report, Data.VersionRow version, string orgCode, int year,
        string actor, string? comment, bool lockYear, string auditAction, CancellationToken ct)
    {
        if (version.Status == ReviewStatus.Accepted) return new Outcome(false, false);
        RequireNewestSubmitted(report, version, orgCode, year, ProblemText.MoveAccept());

        await Data.SetStatusAsync(db, report.OrgUnitId, year, version.Version, ReviewStatus.Accepted, actor, comment);
        await Data.CountAsync(db, report.OrgUnitId, year, version.Version, version.Template, lockYear);
        var template = catalog.Find(version.Template)
                       ?? throw new InvalidOperationException($"Version {version.Version} uses template {version.Template}, which is not loaded.");
        var values = JsonSerializer.Deserialize<Dictionary<string, decimal?>>(version.Values) ?? [];
        await CountedValues.ReplaceAsync(db, template, db.Tenant, report.OrgUnitId, year, values);
        await AuditLog.AppendAsync(db, db.Tenant, actor, auditAction, AuditSubject.Report(orgCode, report.OrgUnitId, year),
            new { version = version.Version, comment, locked = lockYear });
        await followUps.MarkChangingAsync(db, db.Tenant, [year], ct);
        return new Outcome(true, true);
    }

    public async Task<Outcome> ReturnAsync(DbSession db, Data.ReportRow report, Data.VersionRow version, string orgCode, int year,
        string actor, string comment, CancellationToken ct)
    {
        if (version.Status == ReviewStatus.Returned) return new Outcome(false, false);
        RequireNewestSubmitted(report, version, orgCode, year, ProblemText.MoveReturn());

        await Data.SetStatusAsync(db, report.OrgUnitId, year, version.Version, ReviewStatus.Returned, actor, comment);
        await AuditLog.AppendAsync(db, db.Tenant, actor, "report.version-returned", AuditSubject.Report(orgCode, report.OrgUnitId, year),
            new { version = version.Version, comment });
        // The figures do not change, but completeness does: the unit no longer awaits review.
        await followUps.MarkChangingAsync(db, db.Tenant, [year], ct);
        return new Outcome(true, true);
    }

    public async Task<Outcome> ReopenAsync(DbSession db, Data.ReportRow report, string orgCode, int year, string actor, string? comment)
    {
        if (!report.Locked) return new Outcome(false, false);
        await Data.UnlockAsync(db, report.OrgUnitId, year);
        await AuditLog.AppendAsync(db, db.Tenant, actor, "report.reopened", AuditSubject.Report(orgCode, report.OrgUnitId, year),
            new { countedVersion = report.CountedVersion, comment });
        return new Outcome(true, false);
    }

    /// <summary>After the transaction committed: queue the rollup of the year whose figures changed (guarded: never fails).</summary>
    public Task NotifyAsync(Guid tenantId, int year, Outcome outcome) =>
        outcome.FiguresChanged ? followUps.FiguresChangedAsync(tenantId, [year]) : Task.CompletedTask;

    private static void RequireNewestSubmitted(Data.ReportRow report, Data.VersionRow version, string orgCode, int year, string move)
    {
        if (version.Status != ReviewStatus.Submitted)
            throw Conflict(ProblemText.ReviewNotSubmitted(version.Version, orgCode, year, StatusName(version.Status), move) +
                           (version.Status == ReviewStatus.Accepted ? ProblemText.ReviewReopenInstead() : ""));
        if (version.Version != report.CurrentVersion)
            throw Conflict(ProblemText.ReviewSuperseded(version.Version, orgCode, year, report.CurrentVersion));
    }

    /// <summary>A status as the reader reads it: 已采用 in Chinese, the code in English.</summary>
    private static string StatusName(string status) =>
        ProblemLanguage.Supported(System.Globalization.CultureInfo.CurrentUICulture) == ProblemLanguage.English
            ? status
            : Aggregator.Domain.Review.ReviewStatusNames.Of(status);

    private static ProblemException Conflict(string detail) =>
        new(StatusCodes.Status409Conflict, detail, type: ProblemTypes.ReviewConflict);
}
