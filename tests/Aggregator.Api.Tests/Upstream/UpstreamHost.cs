using System.Collections.Concurrent;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aggregator.Api.Tests.Upstream;

/// <summary>
/// An API and cluster of the upstream tests' own, a district and a city tenant on it, whose every log line — at trace level,
/// HttpClient's own included — is kept, so that a test can look for an upstream key in them.
/// </summary>
public sealed class UpstreamHost : IAsyncLifetime
{
    public LogCapture Logs { get; } = new();

    public ApiFixture Api { get; }

    public UpstreamHost() => Api = ApiFixture.With(new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Debug",
        ["Logging:LogLevel:System.Net.Http"] = "Trace",
        ["Logging:LogLevel:Aggregator"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        ["Logging:LogLevel:Polly"] = "Trace",
        ["Logging:LogLevel:Hangfire"] = "Trace",
        // Retries fast: an unreachable upstream is tried 3 times within a second.
        ["Aggregator:Upstream:RetryDelay"] = "00:00:00.050",
    }, services => services.AddLogging(logging => logging.ClearProviders().AddProvider(Logs)));

    public Task InitializeAsync() => Api.InitializeAsync();

    public Task DisposeAsync() => Api.DisposeAsync();
}

/// <summary>Every log line of the host, as an operator's collector would get it: message, state values, scopes and exception.</summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (key, value) in values) line.Append($" {key}={value}");
            capture._scopes.ForEachScope((scope, builder) => builder.Append($" scope={scope}"), line);
            if (exception is not null) line.Append(' ').Append(exception);
            capture._lines.Enqueue(line.ToString());
        }
    }
}
