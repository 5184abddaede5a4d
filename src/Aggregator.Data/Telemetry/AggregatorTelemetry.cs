using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Aggregator.Data.Telemetry;

/// <summary>
/// The service's own metrics and spans, under one name in every process (API and worker). Instruments follow
/// OpenTelemetry's naming (<c>aggregator.*</c>, dotted, units in UCUM) and carry only low-cardinality attributes:
/// a template code or a rule id, never a tenant, unit or key.
/// </summary>
public static class AggregatorTelemetry
{
    public const string Name = "Aggregator";

    /// <summary>Attribute: the template a report or rollup is on (a handful of codes).</summary>
    public const string TemplateAttribute = "aggregator.template";

    /// <summary>Attribute: the id of a rule a report broke (bounded by the templates' rules).</summary>
    public const string RuleAttribute = "aggregator.rule";

    /// <summary>Attribute: how a job run ended (computed, current, failed, cancelled).</summary>
    public const string OutcomeAttribute = "aggregator.outcome";

    /// <summary>Attribute: the Hangfire queue.</summary>
    public const string QueueAttribute = "aggregator.queue";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> VersionsStored = Meter.CreateCounter<long>(
        "aggregator.versions.stored", unit: "{version}",
        description: "Report versions stored (new versions; an identical resubmission stores none).");

    public static readonly Counter<long> ValidationFailures = Meter.CreateCounter<long>(
        "aggregator.validation.failures", unit: "{failure}",
        description: "Rules broken by reports that were refused with 422, one per failing rule.");

    public static readonly Histogram<double> RollupDuration = Meter.CreateHistogram(
        "aggregator.rollup.duration", unit: "s",
        description: "Wall time of one rollup job run for a tenant's year, claim to commit.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });

    public static readonly Counter<long> FollowUpsFailed = Meter.CreateCounter<long>(
        "aggregator.follow_ups.failed", unit: "{follow-up}",
        description: "Follow-ups after a committed write (queuing a rollup) that failed after their retries; the write stands, the sweep catches up.");

    /// <summary>
    /// A span around each COMMIT: Npgsql traces every command and batch it sends but not the COMMIT, so a trace shows
    /// the whole of a unit of work's round trips only with it. Created only while something listens.
    /// </summary>
    public static Activity? StartCommit() => ActivitySource.StartActivity("COMMIT", ActivityKind.Client);

    /// <summary>Times one run, records it with its outcome, and says so on the span.</summary>
    public static void RecordRollup(TimeSpan elapsed, string outcome, Activity? activity)
    {
        RollupDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(OutcomeAttribute, outcome));
        activity?.SetTag(OutcomeAttribute, outcome);
    }
}
