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
/// the observers, all in one transaction.
/// </summary>
public sealed class VersionWriter(
    TenantDb tenantDb,
    TemplateCatalog catalog,
    IEnumerable<IFiguresObserver> observers,
    DatabaseRetry retry,
    TimeProvider clock,
    ILogger<VersionWriter> logger)
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
        var (caller, tenantId, preconditions) = (w.Caller, w.TenantId, w.Preconditions);
        StoredAnswer result;
        Submission s;
        bool appended;
        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            var orgUnitId = await ReportUnit.FindAsync(db, caller, w.OrgCode);
            if (preconditions.IdempotencyKey is { } key)
            {
                if (await Idempotency.ClaimAsync(db, tenantId, caller.KeyId, key, preconditions.RequestHash) is { } recorded)
                    return recorded;
                if (Idempotency.SweepDue()) await Idempotency.SweepExpiredAsync(db, tenantId);
            }

            (s, var stored) = await StoreInAsync(db, w, orgUnitId, ct);
            appended = !stored.Unchanged;

            result = new StoredAnswer(appended ? StatusCodes.Status201Created : StatusCodes.Status200OK,
                JsonSerializer.Serialize(answer(stored, s), Json), appended ? stored.Location : null, stored.ETag);
            if (preconditions.IdempotencyKey is { } storedKey) await Idempotency.RecordAsync(db, tenantId, caller.KeyId, storedKey, result);
            // Last before the commit: marking the year dirty locks its rollup_state row, which every version of the
            // tenant's year needs, until the commit. The shorter that hold, the more versions of one year commit per second.
            if (appended) await MarkChangingAsync(db, tenantId, s.Year, ct);
            await db.CommitAsync();
        }

        // The version is committed whatever the client does now: queue its rollup even if it has hung up.
        if (appended)
        {
            CountStored(s);
            await NotifyStoredAsync(tenantId, s.Year, CancellationToken.None);
        }
        return result;
    }

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
                    var (_, stored) = await StoreInAsync(db, Write.Of(s), await ReportUnit.FindAsync(db, s.Caller, s.OrgCode), ct);
                    await db.ExecuteAsync("RELEASE SAVEPOINT submission");
                    outcomes.Add(new BatchOutcome(s, !stored.Unchanged, null));
                }
                catch (ProblemException problem)
                {
                    await db.ExecuteAsync("ROLLBACK TO SAVEPOINT submission");
                    outcomes.Add(new BatchOutcome(s, false, problem));
                }
            }
            foreach (var year in outcomes.Where(o => o.Appended).Select(o => o.Submission.Year).Distinct())
                await MarkChangingAsync(db, tenantId, year, ct);
            await db.CommitAsync();
        }

        foreach (var outcome in outcomes.Where(o => o.Appended)) CountStored(outcome.Submission);
        foreach (var year in outcomes.Where(o => o.Appended).Select(o => o.Submission.Year).Distinct())
            await NotifyStoredAsync(tenantId, year, CancellationToken.None);
        return outcomes;
    }

    private static void CountStored(Submission s) =>
        AggregatorTelemetry.VersionsStored.Add(1, new KeyValuePair<string, object?>(AggregatorTelemetry.TemplateAttribute, s.Content.Template));

    /// <summary>
    /// Within the caller's transaction: If-Match, the lock, then a new version or the identical current one. A correction
    /// is applied here, to the current version as locked: 404 without one, after If-Match has named it.
    /// </summary>
    private async Task<(Submission, StoredVersion)> StoreInAsync(DbSession db, Write w, long orgUnitId, CancellationToken ct)
    {
        // The tenants row before the report row, in the order turning review off locks them (the setting, then the
        // reports waiting for a reviewer): the other order deadlocks a version of a report waiting for review with it.
        var reviewMode = await Data.ReviewModeAsync(db, w.TenantId);
        var current = await Data.LockCurrentAsync(db, w.TenantId, orgUnitId, w.Year);
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
        return (s, identical
            ? Unchanged(s, current!)
            : await AppendAsync(db, s, orgUnitId, current, reviewMode, ct));
    }

    /// <summary>404: a correction of a report that has no version yet; the first version is POSTed whole.</summary>
    private static ProblemException NothingToCorrect(Correction c) => new(StatusCodes.Status404NotFound,
        ProblemText.NoVersionToCorrect(c.OrgCode, c.Year));

    /// <summary>The new version, the current pointer and value rows and its audit entry (the observers are told by the caller, last).</summary>
    private async Task<StoredVersion> AppendAsync(DbSession db, Submission s, long orgUnitId, Data.CurrentRow? current,
        string reviewMode, CancellationToken ct)
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
        if (await Data.AdvanceAsync(db, tenantId, orgUnitId, s.Year, content.Template, content.Hash, counts, resubmission) is not { } version)
        {
            // A first version with this very content was committed while this one waited for the row.
            return Unchanged(s, await Data.LockCurrentAsync(db, tenantId, orgUnitId, s.Year)
                                ?? throw new InvalidOperationException("The report row that refused the version is gone."));
        }

        var createdAt = await Data.InsertVersionAsync(db, tenantId, orgUnitId, s.Year, version, content.Template,
            content.ValuesJson, JsonSerializer.Serialize(warnings, Json), s.Note, content.Hash, caller.KeyId, status,
            // Timeliness is judged by the injected clock (not the database's now()), so that a test can move time.
            s.ReportedAt ?? clock.GetUtcNow());
        // report_values hold the version that counts: a submitted version changes nothing there until accepted.
        if (counts)
            await CountedValues.ReplaceAsync(db, catalog.Find(content.Template)!, tenantId, orgUnitId, s.Year,
                content.Values.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal));

        var stored = new StoredVersion(version, ETags.Of(version, content.Hash),
            ReportPaths.Version(s.TenantCode, s.OrgCode, s.Year, version), createdAt, warnings, Unchanged: false,
            new VersionStatus(status.Status, status.By, createdAt, status.Comment));
        await AuditLog.AppendAsync(db, tenantId, caller.Actor, s.AuditAction, AuditSubject.Report(s.OrgCode, orgUnitId, s.Year),
            new { version, template = content.Template, etag = stored.ETag, status = status.Status, warnings = warnings.Count,
                  idempotencyKey = s.Preconditions.IdempotencyKey, reportedAt = s.ReportedAt });
        return stored;
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
    private RuleFinding? RemovedSince(Data.CurrentRow current, ReportContent content)
    {
        if (current.Template != content.Template || catalog.Find(content.Template) is not { } template) return null;
        var previous = JsonSerializer.Deserialize<Dictionary<string, decimal?>>(current.Values) ?? [];
        var next = content.Values.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        return RemovedValues.Find(template, current.Version, previous, next) is { } outcome ? RuleFinding.From(outcome) : null;
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

    /// <summary>Inside the version's transaction: the observers mark the year's figures as changing.</summary>
    private async Task MarkChangingAsync(DbSession db, Guid tenantId, int year, CancellationToken ct)
    {
        foreach (var observer in observers) await observer.OnFiguresChangingAsync(db, tenantId, year, ct);
    }

    private async Task NotifyStoredAsync(Guid tenantId, int year, CancellationToken ct)
    {
        foreach (var observer in observers)
        {
            // The version is committed: an observer failing now must not turn the answer into an error.
            // Queuing the rollup is idempotent (at most one queued per year), so it is retried on its own after a transient fault.
            try { await retry.ExecuteAsync(attempt => observer.OnFiguresChangedAsync(tenantId, year, attempt), ct); }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogError(error, "Observer {Observer} failed after a report version of {Year} was stored", observer.GetType().Name, year);
            }
        }
    }
}
