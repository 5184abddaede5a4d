using System.Collections.Concurrent;
using System.Diagnostics;

namespace Aggregator.Api.Tests.RoundTrips;

/// <summary>
/// Counts the database round trips of one request, in this process (the API under test runs in it): every command and
/// every batch Npgsql sends for the application's data source (one span each, from Npgsql's ActivitySource), and every
/// COMMIT (a span of the application's own, as Npgsql traces no COMMIT). The request is told apart from everything
/// else the process does (jobs, listeners, other tests) by its trace: the test starts a span, the HTTP client sends its
/// traceparent, and the API's request and everything it awaits carry the same trace id.
/// </summary>
/// <remarks>
/// Hangfire's own storage statements (the SQL of the <c>hangfire</c> schema, when the follow-up queues a rollup job) are
/// left out and counted apart, in <see cref="HangfireStatements"/>: they are the job library's, not this application's.
/// </remarks>
public sealed class RoundTripCounter : IDisposable
{
    private static readonly ActivitySource Tests = new("Aggregator.Tests.RoundTrips");
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<string> _trips = new();
    private readonly ConcurrentQueue<string> _hangfire = new();
    private readonly ConcurrentQueue<string> _notifying = new();
    private ActivityTraceId _trace;

    public RoundTripCounter()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The round trips of the request sent inside <paramref name="request"/>, as (kind, text) lines.</summary>
    public async Task<(T Result, IReadOnlyList<string> Trips)> CountAsync<T>(Func<Task<T>> request)
    {
        _trips.Clear();
        _hangfire.Clear();
        _notifying.Clear();
        T result;
        using (var span = Tests.StartActivity("request under count") ?? throw new InvalidOperationException("No span: nothing listens."))
        {
            _trace = span.TraceId;
            result = await request();
        }
        _trace = default;
        return (result, _trips.ToList());
    }

    /// <summary>Statements of Hangfire's storage in the last counted request (not counted as the application's round trips).</summary>
    public IReadOnlyList<string> HangfireStatements => _hangfire.ToList();

    /// <summary>
    /// The application's statements of the last counted request that NOTIFY: PostgreSQL serializes the commits of
    /// notifying transactions, so a write's own transaction must not be one of them.
    /// </summary>
    public IReadOnlyList<string> NotifyingStatements => _notifying.ToList();

    private void Record(Activity activity)
    {
        if (_trace == default || activity.TraceId != _trace) return;
        if (activity.Source.Name == "Npgsql")
        {
            var text = activity.GetTagItem("db.query.text") as string ?? activity.DisplayName;
            if (IsHangfire(text)) _hangfire.Enqueue(text);
            else
            {
                _trips.Enqueue($"command: {Shorten(text)}");
                if (text.Contains("pg_notify", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith("NOTIFY", StringComparison.OrdinalIgnoreCase))
                    _notifying.Enqueue(text);
            }
        }
        else if (activity.Source.Name == Aggregator.Data.Telemetry.AggregatorTelemetry.Name && activity.OperationName == "COMMIT")
        {
            _trips.Enqueue("COMMIT");
        }
    }

    /// <summary>Hangfire.PostgreSql's statements: on tables of its schema (quoted or not), or waking its workers.</summary>
    private static bool IsHangfire(string text) =>
        text.Contains("\"hangfire\".", StringComparison.OrdinalIgnoreCase) || text.Contains("hangfire.", StringComparison.OrdinalIgnoreCase)
        || text.TrimStart().StartsWith("NOTIFY new_job", StringComparison.OrdinalIgnoreCase);

    private static string Shorten(string text)
    {
        var line = string.Join(' ', text.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(part => part.Trim()));
        return line.Length <= 160 ? line : line[..160] + "…";
    }

    public void Dispose() => _listener.Dispose();
}
