using System.Collections.Concurrent;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aggregator.Api.Tests.Upstream;

/// <summary>
/// An API and cluster of the upstream tests' own, a district and a city tenant on it, whose every log line — at trace level,
/// HttpClient's own included — is kept, so that a test can look for an upstream key in them. Its allow-list of upstream
/// deployments names a closed port (<see cref="ClosedPort"/>), an https-only host that does not exist and
/// <see cref="Redirector"/>; its poll of upstream reviews runs every second.
/// </summary>
public sealed class UpstreamHost : IAsyncLifetime
{
    /// <summary>The discard port: allowed, and nothing listens there.</summary>
    public const string ClosedPort = "http://127.0.0.1:9";

    /// <summary>Allowed over https only.</summary>
    public const string HttpsOnlyHost = "upstream.example.test";

    public LogCapture Logs { get; } = new();

    /// <summary>An allowed upstream (as http://localhost:port) that answers every request with a redirect to another host.</summary>
    public Redirector Redirector { get; } = new();

    public ApiFixture Api { get; }

    public UpstreamHost() => Api = ApiFixture.With(new Dictionary<string, string?>
    {
        ["Aggregator:Upstream:AllowedUrls:0"] = ClosedPort,
        ["Aggregator:Upstream:AllowedUrls:1"] = HttpsOnlyHost,
        ["Aggregator:Upstream:AllowedUrls:2"] = Redirector.Address.AbsoluteUri,
        // Upstream reviews are read every second (the scheduler looks for due recurring jobs every second too).
        ["Aggregator:Upstream:StatusPollCron"] = "* * * * * *",
        ["Aggregator:Jobs:SchedulePollingInterval"] = "00:00:01",
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

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        Redirector.Dispose();
    }
}

/// <summary>
/// A one-line HTTP server on the loopback that answers every request with 302 to the same socket under another host name
/// (127.0.0.1 for localhost), keeping each request line: a followed redirect would show as a request for /followed.
/// </summary>
public sealed class Redirector : IDisposable
{
    private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly CancellationTokenSource _stop = new();

    public Redirector()
    {
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public int Port => ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri Address => new($"http://localhost:{Port}/");

    public IReadOnlyList<string> Requests => _requests.ToList();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            System.Net.Sockets.TcpClient connection;
            try { connection = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                using (connection)
                {
                    var stream = connection.GetStream();
                    using var reader = new StreamReader(stream, System.Text.Encoding.ASCII, leaveOpen: true);
                    var requestLine = await reader.ReadLineAsync();
                    if (requestLine is null) return;
                    _requests.Enqueue(requestLine);
                    while (!string.IsNullOrEmpty(await reader.ReadLineAsync())) { }
                    var answer = $"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{Port}/followed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(answer));
                }
            });
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
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
