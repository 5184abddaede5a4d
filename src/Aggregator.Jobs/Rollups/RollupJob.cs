using System.Diagnostics;
using Aggregator.Data;
using Aggregator.Data.Telemetry;
using Aggregator.Domain.Templates;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aggregator.Jobs.Rollups;

/// <summary>
/// Recomputes the rollups of one (tenant, year), its comparison with the year before and (when its figures changed) the
/// year after's with it, and makes the stored ones those, writing only what differs, in one transaction under
/// pg_advisory_xact_lock: reentrant, and a failure midway leaves the previous figures whole. Runs as the app role
/// inside the tenant's row-level-security scope.
/// </summary>
public sealed class RollupJob(TenantDb tenantDb, TemplateCatalog catalog, ILogger<RollupJob> logger, IOptions<JobsOptions>? options = null)
{
    private readonly TimeSpan _spacing = options?.Value.RollupSpacing ?? TimeSpan.Zero;

    /// <summary>Called after each step inside the transaction; tests use it to fail a run midway.</summary>
    internal Func<string, Task> AfterStep { get; init; } = _ => Task.CompletedTask;

    /// <param name="force">Recompute even when nothing changed since the stored figures.</param>
    /// <returns>True when figures were computed, false when the stored ones were already current.</returns>
    [AutomaticRetry(Attempts = 3)]
    [Queue(RollupTrigger.Queue)]
    public Task<bool> ExecuteAsync(Guid tenantId, int year, bool force, CancellationToken ct) =>
        RunAsync(tenantId, year, force, releasesRecompute: false, ct);

    /// <summary>
    /// The same rollup, queued while its tenant had other years dirty or queued (see <see cref="RollupTrigger"/>):
    /// a queue of its own, served by workers of its own, so that a tenant with many years to compute holds at
    /// most about one worker of <see cref="RollupTrigger.Queue"/>. A method of its own because the Queue
    /// attribute, not the state the job is created in, decides where Hangfire puts it (retries included).
    /// </summary>
    [AutomaticRetry(Attempts = 3)]
    [Queue(RollupTrigger.BulkQueue)]
    public Task<bool> ExecuteBulkAsync(Guid tenantId, int year, CancellationToken ct) =>
        RunAsync(tenantId, year, force: false, releasesRecompute: false, ct);

    /// <summary>
    /// A recompute asked for over HTTP (<see cref="RecomputeRequests"/>): always
    /// recomputes. Its own queue, served by workers of its own, so that however many a tenant asks for, the
    /// rollups that follow new report versions of every tenant never wait behind them.
    /// </summary>
    [AutomaticRetry(Attempts = 3)]
    [Queue(RecomputeRequests.Queue)]
    public Task<bool> RecomputeAsync(Guid tenantId, int year, CancellationToken ct) =>
        RunAsync(tenantId, year, force: true, releasesRecompute: true, ct);

    /// <summary>One run as a span (aggregator.rollup, under the job's trace) and in aggregator.rollup.duration by outcome.</summary>
    private async Task<bool> RunAsync(Guid tenantId, int year, bool force, bool releasesRecompute, CancellationToken ct)
    {
        using var activity = AggregatorTelemetry.ActivitySource.StartActivity("aggregator.rollup");
        activity?.SetTag("aggregator.tenant_id", tenantId.ToString());
        activity?.SetTag("aggregator.year", year);
        activity?.SetTag("aggregator.rollup.forced", force);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var computed = await ClaimAndComputeAsync(tenantId, year, force, releasesRecompute, ct);
            AggregatorTelemetry.RecordRollup(Stopwatch.GetElapsedTime(started), computed ? "computed" : "current", activity);
            return computed;
        }
        catch (Exception ex)
        {
            var cancelled = ex is OperationCanceledException;
            AggregatorTelemetry.RecordRollup(Stopwatch.GetElapsedTime(started), cancelled ? "cancelled" : "failed", activity);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    private async Task<bool> ClaimAndComputeAsync(Guid tenantId, int year, bool force, bool releasesRecompute, CancellationToken ct)
    {
        // Before the claim is cleared: writes meanwhile find the job queued and queue nothing, and this run includes them.
        if (!force) await KeepSpacingAsync(tenantId, year, ct);
        await using (var claim = await tenantDb.BeginAsync(tenantId, ct))
        {
            await Data.StartAsync(claim, tenantId, year, releasesRecompute);
            await claim.CommitAsync();
        }

        try
        {
            return await ComputeAsync(tenantId, year, force, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await using var db = await tenantDb.BeginAsync(tenantId, CancellationToken.None);
            await Data.RecordErrorAsync(db, tenantId, year, ex.Message);
            await db.CommitAsync();
            throw;
        }
    }

    /// <summary>Waits until <see cref="JobsOptions.RollupSpacing"/> has passed since the year's figures were last stored.</summary>
    private async Task KeepSpacingAsync(Guid tenantId, int year, CancellationToken ct)
    {
        if (_spacing <= TimeSpan.Zero) return;
        const string sql = """
            SELECT extract(epoch FROM computed_at + make_interval(secs => @spacing) - now())::float8
            FROM rollup_state WHERE tenant_id = @tenantId AND year = @year
            """;
        double? seconds;
        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            seconds = await db.QuerySingleOrDefaultAsync<double?>(sql, new { tenantId, year, spacing = _spacing.TotalSeconds });
            await db.CommitAsync();
        }
        if (seconds is > 0) await Task.Delay(TimeSpan.FromSeconds(Math.Min(seconds.Value, _spacing.TotalSeconds)), ct);
    }

    private async Task<bool> ComputeAsync(Guid tenantId, int year, bool force, CancellationToken ct)
    {
        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        await Data.LockAsync(db, tenantId, year);

        // First after the lock: every statement after it sees at least these changes.
        var pending = await Data.PendingChangesAsync(db, tenantId, year);
        var state = await Data.ReadStateAsync(db, tenantId, year);
        var watermark = await Data.SourceWatermarkAsync(db, tenantId, year);
        // Nothing the stored figures are made of has changed since they were computed: no change pending, no version past
        // their watermark, no unit created.
        var unchanged = state.ComputedAt is { } computedAt && pending.Length == 0
                        && state.Watermark == watermark && !await Data.TreeChangedSinceAsync(db, tenantId, computedAt);
        if (!force && unchanged)
        {
            logger.LogDebug("Rollup {Tenant}/{Year} is current", tenantId, year);
            await db.CommitAsync();
            return false;
        }

        var templatesInUse = (await Data.TemplatesInUseAsync(db, tenantId)).ToList();
        var template = TemplateOf(year, templatesInUse)
                       ?? throw new InvalidOperationException($"No template applies to {year} and no report of {year} names one.");

        await Data.StoreValuesAsync(db, tenantId, year, template.Code, NotSummedCodes(template));
        await AfterStep("values");
        await Data.ClearCompletenessAsync(db, tenantId, year);
        await Data.InsertCompletenessAsync(db, tenantId, year, template.Code);
        await AfterStep("completeness");

        // The year against the year before; and, when the year's figures changed, the year after against it (it compares
        // with them). Any other base is computed when a client asks for it (ComparisonFigures.ForUnitAsync), so a run's
        // work does not grow with the number of years. A forced run over unchanged figures leaves the year after's
        // comparison as its own last run (or this year's last run that changed) stored it: it was made of these figures.
        bool? ownRollupWhole = null; // asked once, for the first pair that could use it
        foreach (var (later, earlier) in StoredPairs(year, templatesInUse.Select(use => use.Year).ToHashSet(), withYearAfter: !unchanged))
        {
            var laterTemplate = later == year ? template : TemplateOf(later, templatesInUse);
            var baseTemplate = earlier == year ? template : TemplateOf(earlier, templatesInUse);
            if (laterTemplate is null || baseTemplate is null) continue;

            var plan = ComparisonPlanner.Plan(catalog, tenantId, later, laterTemplate, earlier, baseTemplate);
            await Data.LockComparisonAsync(db, tenantId, later, earlier);
            // Keys of one code in each year from the stored rollups, when both stand for their values; the others
            // (keys summing several codes, or any key when a rollup does not) from every counted value.
            var (other, otherTemplate) = later == year ? (earlier, baseTemplate) : (later, laterTemplate);
            var (direct, composite) = plan.SplitBySingleCodes();
            var fromRollups = direct.LaterKeys.Length > 0
                && await Data.RollupCurrentAsync(db, tenantId, other, otherTemplate.Code)
                && await Data.RollupOfWholeReportsAsync(db, tenantId, other, SummableCodes(otherTemplate).Length)
                && (ownRollupWhole ??= await Data.RollupOfWholeReportsAsync(db, tenantId, year, SummableCodes(template).Length));
            var byParts = fromRollups && composite.LaterKeys.Length > 0;
            await Data.ClearComparisonAsync(db, plan, byParts);
            if (fromRollups)
            {
                await Data.StoreComparisonFromRollupsAsync(db, direct, wholePlan: !byParts);
                await AfterStep($"comparison {later}/{earlier} from rollups");
                if (byParts) await Data.StoreComparisonAsync(db, composite, wholePlan: false);
            }
            else
            {
                await Data.StoreComparisonAsync(db, plan, wholePlan: true);
                await AfterStep($"comparison {later}/{earlier} from values");
            }
            await Data.InsertComparisonStateAsync(db, plan, await Data.PairWatermarkAsync(db, tenantId, later, earlier));
        }
        await AfterStep("comparisons");

        await Data.FinishAsync(db, tenantId, year, pending, watermark, template.Code);
        await db.CommitAsync();
        logger.LogInformation("Rollup {Tenant}/{Year} computed at watermark {Watermark} ({Template})", tenantId, year, watermark, template.Code);
        return true;
    }

    /// <summary>
    /// The template of a year's figures: the one most of its current reports use (the catalog's template
    /// for the year breaks ties, and is used when nobody has reported yet). Reports on another template are
    /// left out of the sums and count as missing.
    /// </summary>
    private ReportTemplate? TemplateOf(int year, IReadOnlyList<Data.TemplateUse> uses)
    {
        var preferred = catalog.ForYear(year);
        var chosen = uses.Where(use => use.Year == year && catalog.Find(use.Template) is not null)
            .OrderByDescending(use => use.Reports)
            .ThenByDescending(use => use.Template == preferred?.Code)
            .ThenBy(use => use.Template, StringComparer.Ordinal)
            .FirstOrDefault();
        return chosen is null ? preferred : catalog.Find(chosen.Template);
    }

    /// <summary>
    /// The stored comparisons a year's figures take part in, as (year, base year): against the year before, and (with
    /// <paramref name="withYearAfter"/>) the year after's against it, where those years have reports. Across 2018 → 2019
    /// this is the declared mapping.
    /// </summary>
    public static IEnumerable<(int Year, int BaseYear)> StoredPairs(int year, IReadOnlySet<int> yearsInUse, bool withYearAfter = true)
    {
        if (yearsInUse.Contains(year - 1)) yield return (year, year - 1);
        if (withYearAfter && yearsInUse.Contains(year + 1)) yield return (year + 1, year);
    }

    /// <summary>Whether the job stores the comparison of <paramref name="year"/> against <paramref name="baseYear"/>.</summary>
    public static bool IsStoredPair(int year, int baseYear) => baseYear == year - 1;

    internal static string[] SummableCodes(ReportTemplate template) =>
        template.Indicators.Where(i => i.Aggregate == AggregateKind.Sum).Select(i => i.Code).ToArray();

    internal static string[] NotSummedCodes(ReportTemplate template) =>
        template.Indicators.Where(i => i.Aggregate != AggregateKind.Sum).Select(i => i.Code).ToArray();
}
