using System.Text.Encodings.Web;
using System.Text.Json;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Shared;
using Aggregator.Data;
using Aggregator.Data.Resilience;
using Aggregator.Data.Telemetry;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Validation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Storing;

/// <summary>
/// Stores a validated report as a new immutable version, shared by the POST of versions, the PATCH of a report
/// and the storing import: idempotency key, If-Match, the version, the current pointer and value rows, the audit entry and
/// the observers' dirty mark, all in one transaction of four round trips (look, write, mark, commit), retried as a unit;
/// after the commit, the follow-ups (<see cref="FollowUps"/>).
/// </summary>
public sealed class VersionWriter(TenantDb tenantDb, FollowUps followUps, TimeProvider clock)
{
    // Chinese messages readable in the stored answers and warnings, as the API writes them elsewhere.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Returns the answer to send: <paramref name="answer"/>'s for a new version (201), or for the current one
    /// when the submission is identical to it (200, <see cref="StoredVersion.Unchanged"/>), or the recorded answer
    /// of the first request with the same Idempotency-Key.
    /// </summary>
    public Task<StoredAnswer> StoreAsync(Submission s, Func<StoredVersion, object> answer, CancellationToken ct) =>
        StoreAsync(Write.Of(s), (stored, _) => answer(stored), ct);

    /// <summary>
    /// A correction, answered like a submission: its submission is made from the current version once that is locked
    /// and If-Match has named it (404 when there is no version to correct). <paramref name="answer"/> gets the
    /// submission that was made, so that it can say what the correction changed.
    /// </summary>
    public Task<StoredAnswer> StoreAsync(Correction c, Func<StoredVersion, Submission, object> answer, CancellationToken ct) =>
        StoreAsync(Write.Of(c), answer, ct);

    private async Task<StoredAnswer> StoreAsync(Write w, Func<StoredVersion, Submission, object> answer, CancellationToken ct)
    {
        // The unit of work, retried whole on a fresh transaction after a transient fault before its COMMIT: it reads only
        // the submission already in memory, never the request again.
        var (result, appended) = await tenantDb.RunAsync(w.TenantId, db => StoreOnceAsync(db, w, answer, ct), ct);
        if (appended is { } s)
        {
            CountStored(s);
            await followUps.FiguresChangedAsync(w.TenantId, [s.Year]);
        }
        return result;
    }

    /// <summary>
    /// One attempt, in one transaction: the look (claim, unit, review mode, lock, current version) in one round trip, then
    /// the write (version, values, audit, recorded answer) in another, then the observers' dirty mark. Returns the answer,
    /// and the submission when a new version was stored.
    /// </summary>
    private async Task<(StoredAnswer Answer, Submission? Appended)> StoreOnceAsync(DbSession db, Write w,
        Func<StoredVersion, Submission, object> answer, CancellationToken ct)
    {
        var claim = w.Preconditions.IdempotencyKey is { } key ? new Idempotency.Claim(w.Caller.KeyId, key, w.Preconditions.RequestHash) : null;
        var look = await Data.LookAsync(db, w.Caller, w.OrgCode, w.Year, claim, sweep: claim is not null && Idempotency.SweepDue());
        if (look.OrgUnitId is not { } orgUnitId) throw ProblemException.NotFound(ProblemText.OrgUnitNotFound(w.OrgCode));
        if (claim is not null && await Idempotency.OutcomeAsync(db, claim, look.Claim!) is { } recorded) return (recorded, null);

        var (s, plan) = Decide(w, look);
        if (plan is null)
        {
            var unchanged = Unchanged(s, look.Current!);
            var same = Answer(unchanged, s, answer);
            if (claim is not null) await Idempotency.RecordAsync(db, new Idempotency.Record(w.TenantId, claim, same));
            return (same, null);
        }

        var stored = plan.Stored;
        var result = Answer(stored, s, answer);
        var record = claim is null ? null : new Idempotency.Record(w.TenantId, claim, result);
        if (await Data.WriteVersionAsync(db, plan.Row, plan.Audit, record) != stored.Version)
            throw new ConcurrentWriteException($"A first version of '{s.OrgCode}' for {s.Year} was stored meanwhile.");
        // Last before the commit: marking the year dirty may lock a row every version of the tenant's year needs, until
        // the commit. The shorter that hold, the more versions of one year commit per second.
        await followUps.MarkChangingAsync(db, w.TenantId, [s.Year], ct);
        return (result, s);
    }

    private static StoredAnswer Answer(StoredVersion stored, Submission s, Func<StoredVersion, Submission, object> answer) =>
        new(stored.Unchanged ? StatusCodes.Status200OK : StatusCodes.Status201Created, JsonSerializer.Serialize(answer(stored, s), Json),
            stored.Unchanged ? null : stored.Location, stored.ETag);

    /// <summary>
    /// One write as the transaction sees it: who, where, the preconditions, and what to store once the current version
    /// is locked — a submission as sent, or a correction applied to that version.
    /// </summary>
    private sealed record Write(Caller Caller, Guid TenantId, string OrgCode, int Year, Preconditions Preconditions,
        Submission? Whole, Correction? Correction)
    {
        public static Write Of(Submission s) => new(s.Caller, s.TenantId, s.OrgCode, s.Year, s.Preconditions, s, null);

        public static Write Of(Correction c) => new(c.Caller, c.TenantId, c.OrgCode, c.Year, c.Preconditions, null, c);
    }

    /// <summary>What became of one submission of a batch: a new version, unchanged, or refused (nothing of it kept).</summary>
    public sealed record BatchOutcome(Submission Submission, bool Appended, ProblemException? Refused);

    /// <summary>
    /// Stores many submissions without Idempotency-Key or If-Match (the CSV import's) in one transaction, each under a
    /// savepoint: one refused — a locked year, a unit gone — leaves the others, and every report stays all or nothing.
    /// One commit for the batch instead of one per report; the observers hear once per year after it.
    /// </summary>
    /// <param name="tenantId">The tenant of every submission.</param>
    /// <param name="batch">The submissions.</param>
    /// <param name="ct">Cancels before the commit.</param>
    /// <param name="guard">Runs first in the batch's transaction; throwing stores nothing of the batch (a job's key
    /// revoked since it was queued: <see cref="Aggregator.Jobs.QueuingKey"/>).</param>
    public async Task<IReadOnlyList<BatchOutcome>> StoreBatchAsync(Guid tenantId, IReadOnlyList<Submission> batch, CancellationToken ct,
        Func<DbSession, Task>? guard = null)
    {
        if (batch.Any(s => s.TenantId != tenantId || s.Preconditions.IfMatch is not null || s.Preconditions.IdempotencyKey is not null))
            throw new ArgumentException("A batch is of one tenant, without If-Match or Idempotency-Key.", nameof(batch));
        var outcomes = new List<BatchOutcome>(batch.Count);
        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            if (guard is not null) await guard(db);
            foreach (var s in batch)
            {
                await db.ExecuteAsync("SAVEPOINT submission");
                try
                {
                    outcomes.Add(new BatchOutcome(s, await StoreInBatchAsync(db, s), null));
                    await db.ExecuteAsync("RELEASE SAVEPOINT submission");
                }
                catch (ProblemException problem)
                {
                    await db.ExecuteAsync("ROLLBACK TO SAVEPOINT submission");
                    outcomes.Add(new BatchOutcome(s, false, problem));
                }
            }
            await followUps.MarkChangingAsync(db, tenantId, outcomes.Where(o => o.Appended).Select(o => o.Submission.Year), ct);
            await db.CommitAsync();
        }

        foreach (var outcome in outcomes.Where(o => o.Appended)) CountStored(outcome.Submission);
        await followUps.FiguresChangedAsync(tenantId, outcomes.Where(o => o.Appended).Select(o => o.Submission.Year));
        return outcomes;
    }

    /// <summary>One submission of a batch, under its savepoint: true when it stored a new version.</summary>
    private async Task<bool> StoreInBatchAsync(DbSession db, Submission submission)
    {
        for (var attempt = 1; ; attempt++)
        {
            var look = await Data.LookAsync(db, submission.Caller, submission.OrgCode, submission.Year, claim: null, sweep: false);
            if (look.OrgUnitId is null) throw ProblemException.NotFound(ProblemText.OrgUnitNotFound(submission.OrgCode));
            var (s, plan) = Decide(Write.Of(submission), look);
            if (plan is null) return false;
            if (await Data.WriteVersionAsync(db, plan.Row, plan.Audit, record: null) == plan.Stored.Version) return true;
            // A first version of the same report committed meanwhile: undo this one's rows and look again, once.
            await db.ExecuteAsync("ROLLBACK TO SAVEPOINT submission");
            await db.ExecuteAsync("SAVEPOINT submission");
            if (attempt == 2) throw new ConcurrentWriteException($"A first version of '{s.OrgCode}' for {s.Year} was stored meanwhile.");
        }
    }

    private static void CountStored(Submission s) =>
        AggregatorTelemetry.VersionsStored.Add(1, new KeyValuePair<string, object?>(AggregatorTelemetry.TemplateAttribute, s.Content.Template));

    /// <summary>What to write, decided from the look: nothing (null: identical to the current version), or a new version.</summary>
    private sealed record Plan(StoredVersion Stored, Data.NewVersion Row, AuditEntry Audit);

    /// <summary>
    /// If-Match, the lock, then a new version or the identical current one. A correction is applied here, to the current
    /// version as locked: 404 without one, after If-Match has named it.
    /// </summary>
    private (Submission, Plan?) Decide(Write w, Data.Look look)
    {
        var current = look.Current;
        if (w.Correction is { } correction && current is null) throw NothingToCorrect(correction);
        // If-Match is evaluated before the content is compared, so a stale If-Match is a 412 even when the
        // content equals the current version's. RFC 9110 §13.1.1 would allow a 2xx there ("the change is
        // already in effect"), but the client's view is stale: someone else wrote since it read, and it
        // should read what they wrote before it concludes anything. A retry of its own successful write is
        // what Idempotency-Key is for, and that replay is answered above, before any precondition.
        CheckIfMatch(w.Preconditions.IfMatch, current);
        var s = w.Whole ?? w.Correction!.Apply(new CurrentVersion(current!.Version, current.Template,
            JsonSerializer.Deserialize<Dictionary<string, decimal?>>(current.Values) ?? []));

        // The same figures as a returned version are a resubmission ("they were right"), not a retry: a new version.
        var identical = current is not null && current.ContentHash.AsSpan().SequenceEqual(s.Content.Hash)
                        && current.Status != ReviewStatus.Returned;
        if (current is { Locked: true } && !identical) throw Locked(s);
        return (s, identical ? null : Append(s, look.OrgUnitId!.Value, current, look.ReviewMode, look.Now));
    }

    /// <summary>404: a correction of a report that has no version yet; the first version is POSTed whole.</summary>
    private static ProblemException NothingToCorrect(Correction c) => new(StatusCodes.Status404NotFound,
        ProblemText.NoVersionToCorrect(c.OrgCode, c.Year));

    /// <summary>
    /// The new version as it will be stored: its number is the current one's next (the report row is locked; a first version
    /// is 1 unless another is committed meanwhile, which the write finds), created now (the transaction's time).
    /// </summary>
    private Plan Append(Submission s, long orgUnitId, Data.CurrentRow? current, string reviewMode, DateTime now)
    {
        var (caller, tenantId, content) = (s.Caller, s.TenantId, s.Content);
        IReadOnlyList<RuleFinding> warnings = current is not null && RemovedSince(current, content) is { } removed
            ? [.. s.Warnings, removed]
            : s.Warnings;

        var status = s.AcceptOnStore ? new Data.InitialStatus(ReviewStatus.Accepted, caller.Actor, "accepted as it was imported")
            : reviewMode == ReviewModes.Required ? new Data.InitialStatus(ReviewStatus.Submitted, caller.Actor, null)
            : new Data.InitialStatus(ReviewStatus.Accepted, ReviewStatus.System, "review is off: accepted on receipt");
        var counts = status.Status == ReviewStatus.Accepted;
        var resubmission = current is not null && current.Status == ReviewStatus.Returned;
        var version = (current?.Version ?? 0) + 1;
        // report_values hold the version that counts: a submitted version changes nothing there until accepted.
        var (codes, figures) = counts
            ? CountedValues.Rows(content.Definition, content.Values.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal))
            : (null, null);
        var row = new Data.NewVersion(tenantId, orgUnitId, s.Year, version, content.Template, content.Hash, counts, resubmission,
            content.ValuesJson, JsonSerializer.Serialize(warnings, Json), s.Note, caller.KeyId, status.Status, status.By, status.Comment,
            // Timeliness is judged by the injected clock (not the database's now()), so that a test can move time.
            s.ReportedAt ?? clock.GetUtcNow(), codes, figures, s.Source?.ToJson());

        var stored = new StoredVersion(version, ETags.Of(version, content.Hash),
            ReportPaths.Version(s.TenantCode, s.OrgCode, s.Year, version), now, warnings, Unchanged: false,
            new VersionStatus(status.Status, status.By, now, status.Comment));
        var audit = new AuditEntry(tenantId, caller.Actor, s.AuditAction, AuditSubject.Report(s.OrgCode, orgUnitId, s.Year),
            new { version, template = content.Template, etag = stored.ETag, status = status.Status, warnings = warnings.Count,
                  idempotencyKey = s.Preconditions.IdempotencyKey, reportedAt = s.ReportedAt });
        return new Plan(stored, row, audit);
    }

    /// <summary>
    /// A submission identical to the current version (same template, same values) stores nothing: no version,
    /// no audit entry, no rollup. Otherwise a re-import of the same file would make v3 a copy of v2.
    /// </summary>
    private static StoredVersion Unchanged(Submission s, Data.CurrentRow current) => new(
        current.Version, ETags.Of(current.Version, current.ContentHash),
        ReportPaths.Version(s.TenantCode, s.OrgCode, s.Year, current.Version), current.CreatedAt,
        JsonSerializer.Deserialize<List<RuleFinding>>(current.Warnings, Json) ?? [], Unchanged: true,
        new VersionStatus(current.Status, current.StatusBy, current.StatusAt, current.StatusComment));

    /// <summary>409: a reviewer accepted this year's report; it must be reopened before anything new is stored.</summary>
    public static ProblemException Locked(Submission s) => new(StatusCodes.Status409Conflict,
        ProblemText.ReportLocked(s.OrgCode, s.Year), type: ProblemTypes.ReportLocked);

    /// <summary>The values-removed warning when the new content leaves empty what the current version had.</summary>
    private static RuleFinding? RemovedSince(Data.CurrentRow current, ReportContent content)
    {
        if (current.Template != content.Template) return null;
        var previous = JsonSerializer.Deserialize<Dictionary<string, decimal?>>(current.Values) ?? [];
        var next = content.Values.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        return RemovedValues.Find(content.Definition, current.Version, previous, next) is { } outcome ? RuleFinding.From(outcome) : null;
    }

    private static void CheckIfMatch(string? ifMatch, Data.CurrentRow? current)
    {
        if (ifMatch is null) return;
        if (current is null)
            throw new ProblemException(StatusCodes.Status412PreconditionFailed,
                ProblemText.IfMatchWithoutVersion());
        var etag = ETags.Of(current.Version, current.ContentHash);
        if (!ETags.ListContains(ifMatch, etag))
            throw new ProblemException(StatusCodes.Status412PreconditionFailed,
                ProblemText.ReportChanged(current.Version, etag),
                new Dictionary<string, object?> { ["currentVersion"] = current.Version, ["currentEtag"] = etag });
    }
}
