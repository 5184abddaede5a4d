using Aggregator.Api.Auth;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Review;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.OpenApi;
using Aggregator.Data;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Settings.Put;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    /// <summary>off or required.</summary>
    [Vocabulary(Vocabularies.ReviewModes)]
    public string Review { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Review).Must(ReviewModes.All.Contains)
            .WithMessage(_ => ProblemText.ReviewOneOf(string.Join(", ", ReviewModes.All)));
    }
}

public sealed class Endpoint(TenantDb tenantDb, ReviewTransitions review, FollowUps followUps) : Endpoint<Request, SettingsView>
{
    public override void Configure()
    {
        Put("/settings");
        Group<TenantGroup>();
        Description(d => d.WithTags("Settings").AllowedFor(KeyRoles.TenantAdmin));
        Summary(s =>
        {
            s.Summary =
                "Sets whether versions need a reviewer's acceptance. Tenant-admin of the root unit. Turning review on changes no stored " +
                "version; turning it off accepts every version still waiting for a reviewer (by system), so that each unit's newest " +
                "submitted version counts at once, as every new one will.";
            s.ExampleRequest = new { review = ReviewModes.Required };
            s.ResponseExamples[200] = Examples.Settings;
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        RootUnit.Require(caller, ProblemText.ActChangeSettings());

        var (settings, changedYears) = await tenantDb.RunAsync(tenantId, async db =>
        {
            var changedYears = new SortedSet<int>();
            var previous = await Data.LockReviewAsync(db);
            if (previous != req.Review)
            {
                await Data.SetReviewAsync(db, req.Review);
                await AuditLog.AppendAsync(db, tenantId, caller.Actor, "settings.changed", "review", new { review = req.Review, previous });
                if (req.Review == ReviewModes.Off)
                {
                    var comment = $"review turned off by {caller.Actor}: accepted as it was waiting";
                    foreach (var pending in (await Review.Data.PendingAsync(db)).ToList())
                    {
                        var report = await Review.Data.LockReportAsync(db, Caller.Admin, pending.OrgCode, pending.Year);
                        var version = await Review.Data.FindVersionAsync(db, pending.OrgUnitId, pending.Year, pending.Version);
                        await review.AcceptAsync(db, report!, version!, pending.OrgCode, pending.Year, ReviewStatus.System, comment,
                            lockYear: false, "report.version-accepted", ct);
                        changedYears.Add(pending.Year);
                    }
                }
            }
            return (await Data.ReadAsync(db), changedYears);
        }, ct);
        // Committed: the rollups of the accepted years are queued on the guarded path, which never fails the answer.
        await followUps.FiguresChangedAsync(tenantId, changedYears);
        await Send.OkAsync(settings, ct);
    }
}
