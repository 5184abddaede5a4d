using System.Text.Encodings.Web;
using System.Text.Json;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Reports.Storing;
using Aggregator.Data;
using Aggregator.Data.Telemetry;
using Aggregator.Domain.Templates;
using Aggregator.Jobs;
using Hangfire;

namespace Aggregator.Api.Features.Imports;

/// <summary>
/// Runs a CSV import queued by POST …/imports: reads the file kept in csv_imports, plans its reports
/// (<see cref="ImportPlanner"/>) and stores them through the <see cref="VersionWriter"/> as a POST of versions would,
/// accepted on storing, with the file's reportedAt — <see cref="BatchSize"/> reports per transaction, each all or nothing
/// under a savepoint — then keeps the summary in the import's row, where GET /api/v1/jobs/{id} reads it.
/// <para>
/// The job type lives in this API assembly, and only the API's own Hangfire server serves <see cref="Queue"/>
/// (<see cref="ImportsRegistration"/>): the worker process, which runs the rollup queues without this assembly, never
/// picks one up. Not retried automatically: a run is idempotent (a report already stored is unchanged), but a retry
/// would count the first run's reports as unchanged; a failed job is visible and the file can be sent again.
/// </para>
/// </summary>
public sealed class ImportJob(TenantDb tenantDb, TemplateCatalog catalog, VersionWriter writer, TimeProvider clock, ILogger<ImportJob> logger)
{
    public const string Queue = "imports";
    public const string AuditAction = "report.version-imported-csv";

    /// <summary>Rejections listed in a summary; beyond, <see cref="ImportSummary.RejectionsNotListed"/> counts them.</summary>
    public const int MaxListedRejections = 1_000;

    /// <summary>Reports stored per transaction: long enough to spare the commits, short enough to hold the report rows briefly.</summary>
    public const int BatchSize = 50;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The tenant id first: the jobs endpoint finds every job's tenant in its first argument.</summary>
    [Queue(Queue)]
    [AutomaticRetry(Attempts = 0)]
    public async Task ExecuteAsync(Guid tenantId, Guid importId, CancellationToken ct)
    {
        // A span around the whole import: its batches' statements (Npgsql's spans) hang under it.
        using var activity = AggregatorTelemetry.ActivitySource.StartActivity("aggregator.import");
        activity?.SetTag("aggregator.tenant_id", tenantId.ToString());
        activity?.SetTag("aggregator.import_id", importId.ToString());
        Data.ImportRow import;
        Caller caller;
        string tenantCode;
        TimeZoneInfo zone;
        Dictionary<string, long> units;
        Dictionary<(long OrgUnitId, int Year), (byte[] Hash, bool Locked)>? current = null;
        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            import = await Data.FindAsync(db, tenantId, importId) ?? throw new InvalidOperationException($"Import {importId} is gone.");
            if (import.Content is null) throw new InvalidOperationException($"Import {importId} has already run.");
            await CheckKeyAsync(db, tenantId, importId, import);
            (tenantCode, var timeZone) = await Data.TenantAsync(db, tenantId);
            zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
            caller = await CallerAsync(db, tenantId, tenantCode, timeZone, import);
            units = await Data.UnitsAsync(db, OrgScope.Of(caller, tenantId));
            if (import.DryRun) current = await Data.CurrentAsync(db, tenantId);
            await db.CommitAsync();
        }

        var now = clock.GetUtcNow();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var rows = CsvImportFile.Read(import.Content);
        // The note every version of the file is stored with, and so part of what makes a report unchanged: the file's
        // name, within the note limit whatever the name (one queued before names were bounded may be longer).
        var note = ReportNotes.Clip($"CSV import {import.FileName}");
        var planner = new ImportPlanner(catalog, units, TimeZoneInfo.ConvertTime(now, zone).Year, zone, now, note);
        var (planned, rejections) = planner.Plan(rows);
        var rejected = rejections.ToList();
        var planning = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        int stored = 0, unchanged = 0;
        if (current is not null)
        {
            // A dry run: what storing would do, from the stored content hashes and locks.
            foreach (var report in planned)
            {
                var existing = current.GetValueOrDefault((report.OrgUnitId, report.Year));
                if (existing.Hash is not null && existing.Hash.AsSpan().SequenceEqual(report.Content.Hash)) unchanged++;
                else if (existing.Locked) rejected.Add(Rejection(report, VersionWriter.Locked(Submission(caller, tenantId, tenantCode, report, note))));
                else stored++;
            }
        }
        else
        {
            // In batches, one transaction each: a commit per report would cost most of the time (100,000 rows: 1,400 reports).
            foreach (var batch in planned.Chunk(BatchSize))
            {
                ct.ThrowIfCancellationRequested();
                var outcomes = await writer.StoreBatchAsync(tenantId, batch.Select(r => Submission(caller, tenantId, tenantCode, r, note)).ToList(), ct,
                    guard: db => CheckKeyAsync(db, tenantId, importId, import));
                foreach (var (report, outcome) in batch.Zip(outcomes))
                {
                    // A reviewer locked the year (409), or the unit went away since the plan: this report only.
                    if (outcome.Refused is { } problem) rejected.Add(Rejection(report, problem));
                    else if (outcome.Appended) stored++;
                    else unchanged++;
                }
            }
        }

        rejected.Sort((a, b) => a.Line.CompareTo(b.Line));
        var summary = new ImportSummary(import.DryRun, rows.Count, new ImportCounts(stored, unchanged, rejected.Count),
            rejected.Take(MaxListedRejections).ToList(), Math.Max(0, rejected.Count - MaxListedRejections));
        await using (var db = await tenantDb.BeginAsync(tenantId, CancellationToken.None))
        {
            await Data.FinishAsync(db, tenantId, importId, summary);
            await db.CommitAsync();
        }
        logger.LogInformation("CSV import {ImportId}: {Rows} rows, {Stored} reports stored, {Unchanged} unchanged, {Rejected} rejected " +
                              "(dry run: {DryRun}); read and checked in {Planning:0.00} s, all done in {Total:0.00} s",
            importId, rows.Count, stored, unchanged, rejected.Count, import.DryRun, planning.TotalSeconds,
            System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>
    /// The key that sent the file must still be live, at the start and in every batch's transaction (<see cref="QueuingKey"/>):
    /// a key revoked since stores nothing more. Refused, the import is closed (its file dropped) and the job fails with the reason.
    /// </summary>
    private async Task CheckKeyAsync(DbSession db, Guid tenantId, Guid importId, Data.ImportRow import)
    {
        try
        {
            await QueuingKey.RequireActiveAsync(db, import.ApiKeyId);
        }
        catch (JobRefusedException refused)
        {
            // The refusal's transaction is rolled back with the exception: close the import in one of its own.
            await using (var closing = await tenantDb.BeginAsync(tenantId, CancellationToken.None))
            {
                await Data.RefuseAsync(closing, tenantId, importId);
                await closing.CommitAsync();
            }
            logger.LogWarning("CSV import {ImportId} refused: {Reason}", importId, refused.Message);
            throw;
        }
    }

    private static Submission Submission(Caller caller, Guid tenantId, string tenantCode, PlannedReport report, string note) =>
        new(caller, tenantId, tenantCode, report.Org, report.Year, report.Content, report.Warnings, note, AuditAction,
            new Preconditions(IfMatch: null, IdempotencyKey: null, RequestHash: []))
        {
            ReportedAt = report.ReportedAt,
            AcceptOnStore = true,
        };

    private static ImportRejection Rejection(PlannedReport report, ProblemException problem) =>
        new(report.Org, report.Year, report.Line, [$"line {report.Line}: {problem.Message}"]);

    /// <summary>The key that sent the file, as the job acts: its role, and its unit's scope (a tenant key: <see cref="CheckKeyAsync"/> ran first).</summary>
    private static async Task<Caller> CallerAsync(DbSession db, Guid tenantId, string tenantCode, string timeZone, Data.ImportRow import)
    {
        var orgUnitId = import.OrgUnitId ?? throw new InvalidOperationException("A tenant key's import names no unit.");
        var (_, path) = await Data.KeyUnitAsync(db, tenantId, orgUnitId);
        return new Caller(import.ApiKeyId, import.Role, tenantId, tenantCode, orgUnitId, path, timeZone);
    }
}
