using System.Text.RegularExpressions;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>
/// The one way tests wait for a program they started (the API, the worker, the image's entrypoint) to serve:
/// its "Now listening on" line, read whether the console logs as text or as JSON, gives the address; readiness is
/// then /health/ready answering 200, polled until a deadline.
/// </summary>
public static partial class Listening
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Waits for the program to listen and returns the address to call it at (a wildcard host as 127.0.0.1).</summary>
    public static async Task<Uri> ListeningAsync(this AppProcess program, TimeSpan? timeout = null)
    {
        var line = await program.WaitForLineAsync(l => l.Contains("Now listening on", StringComparison.Ordinal) && Address().IsMatch(l), timeout ?? StartTimeout);
        return AddressIn(line);
    }

    /// <summary>Waits for the program to listen, then for its /health/ready to answer 200; returns its address.</summary>
    public static async Task<Uri> ReadyAsync(this AppProcess program, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? StartTimeout);
        var address = await program.ListeningAsync(timeout);
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        var last = "no answer";
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                using var answer = await client.GetAsync("/health/ready");
                if (answer.IsSuccessStatusCode) return address;
                last = $"{(int)answer.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{address}health/ready did not answer 200 within {timeout ?? StartTimeout} (last: {last}). Output:\n{program.Output}");
    }

    /// <summary>The address in a "Now listening on: http://…:port" line.</summary>
    public static Uri AddressIn(string line)
    {
        var m = Address().Match(line);
        if (!m.Success) throw new FormatException($"No address in: {line}");
        var host = m.Groups["host"].Value is "[::]" or "0.0.0.0" or "+" or "*" ? "127.0.0.1" : m.Groups["host"].Value;
        return new Uri($"http://{host}:{m.Groups["port"].Value}/");
    }

    [GeneratedRegex(@"http://(?<host>\[[0-9a-fA-F:.]*\]|[^\s/:""\\]+):(?<port>\d+)")]
    private static partial Regex Address();
}
