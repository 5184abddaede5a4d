using System.Collections.Concurrent;
using Aggregator.Api.Auth;
using Aggregator.Jobs.Upstream;
using Dapper;
using Npgsql;

namespace Aggregator.Api.Tests.Upstream;

/// <summary>
/// Looks for an upstream key the way Telemetry/LogTests looks for an API key (its scan is written inline there): the key,
/// here also its part after the prefix answers do show, and its hash as lowercase hex, uppercase hex and base64; in text
/// (answers, log lines) and in what Hangfire keeps of its jobs (arguments, invocation data, state data and reason).
/// </summary>
public static class SecretScan
{
    public static IReadOnlyList<string> FormsOf(string key)
    {
        var hash = ApiKeySecret.Hash(key);
        return [key, key[UpstreamKeys.PrefixLength..], Convert.ToHexStringLower(hash), Convert.ToHexString(hash), Convert.ToBase64String(hash)];
    }

    /// <summary>The texts that hold any form of the key.</summary>
    public static IReadOnlyList<string> Holding(IEnumerable<string> texts, string key) =>
        texts.Where(text => FormsOf(key).Any(form => text.Contains(form, StringComparison.Ordinal))).ToList();

    /// <summary>How many Hangfire jobs and states hold any form of the key.</summary>
    public static async Task<long> InHangfireAsync(NpgsqlConnection connection, string key)
    {
        long found = 0;
        foreach (var secret in FormsOf(key))
            found += await connection.ExecuteScalarAsync<long>("""
                SELECT (SELECT count(*) FROM hangfire.job WHERE strpos(coalesce(arguments::text, '') || coalesce(invocationdata::text, ''), @secret) > 0)
                     + (SELECT count(*) FROM hangfire.state WHERE strpos(coalesce(data::text, '') || coalesce(reason, ''), @secret) > 0)
                """, new { secret });
        return found;
    }
}

/// <summary>Keeps every answer a client gets — status, headers and body — for <see cref="SecretScan"/>.</summary>
public sealed class AnswerRecorder(ConcurrentQueue<string> answers) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        answers.Enqueue($"{(int)response.StatusCode} {response.Headers} {response.Content.Headers} {body}");
        // Read once here; the caller reads the same text again.
        var content = new StringContent(body);
        content.Headers.Clear();
        foreach (var header in response.Content.Headers) content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = content;
        return response;
    }
}
