using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Aggregator.Jobs.Upstream;

/// <summary>
/// Calls the upstream tenant's public API as any client would, with the link's key: on another deployment (the link's
/// url) or on this one (url null: <see cref="UpstreamOptions.SelfUrl"/>, else this process's own listening address), so the
/// city's checks — authentication, scope, rules, idempotency, review — apply to a hand-up however it travels.
/// The key goes in X-Api-Key only; the client's logging redacts every header. A url goes out only when the operator's
/// allow-list (<see cref="UpstreamOptions.AllowedUrls"/>) admits it, redirects are never followed, and a failure to connect
/// answers one fixed sentence: what the socket said stays in this process's log, so no answer maps the network behind it.
/// </summary>
public sealed class UpstreamClient(IHttpClientFactory factory, IOptions<UpstreamOptions> options, IServiceProvider services,
    ILogger<UpstreamClient> logger)
{
    public const string HttpClientName = "upstream";
    public const string KeyHeader = "X-Api-Key";

    /// <summary>An answer of upstream: its status and body (JSON, or null when it sent none that parses).</summary>
    public sealed record Answer(int Status, JsonElement? Body)
    {
        public string? Text(string property) =>
            Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString() : null;
    }

    public Task<Answer> GetAsync(string? url, string key, string path, CancellationToken ct) =>
        SendAsync(url, key, HttpMethod.Get, path, null, null, ct);

    public Task<Answer> PostAsync(string? url, string key, string path, object body, string idempotencyKey, CancellationToken ct) =>
        SendAsync(url, key, HttpMethod.Post, path, body, idempotencyKey, ct);

    /// <summary>What the allow-list says of <paramref name="url"/> (null, this deployment, is always allowed).</summary>
    public UpstreamUrlVerdict Check(string? url) => UpstreamUrls.Check(url, options.Value.AllowedUrls);

    /// <summary>The path of a unit's report for a year upstream, its codes escaped.</summary>
    public static string ReportPath(string tenant, string orgUnit, int year) =>
        $"/api/v1/tenants/{Uri.EscapeDataString(tenant)}/org-units/{Uri.EscapeDataString(orgUnit)}/reports/{year}";

    private async Task<Answer> SendAsync(string? url, string key, HttpMethod method, string path, object? body, string? idempotencyKey,
        CancellationToken ct)
    {
        // Checked on every call, not only when linking: an entry the operator removed stops the links made under it.
        if (Check(url) != UpstreamUrlVerdict.Allowed)
            throw new UpstreamNotAllowedException(
                $"上级地址 {url} 不在本部署允许的上级地址清单（{UpstreamOptions.AllowedUrlsSetting}）中：未发出任何请求。请运维人员将其加入清单，或重新链接。");
        var baseUri = BaseUri(url);
        using var request = new HttpRequestMessage(method, new Uri(baseUri, path.TrimStart('/')));
        request.Headers.TryAddWithoutValidation(KeyHeader, key);
        request.Headers.Accept.ParseAdd("application/json");
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        if (body is not null) request.Content = JsonContent.Create(body, options: JsonSerializerOptions.Web);
        var client = factory.CreateClient(HttpClientName);
        try
        {
            using var response = await client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonElement? json = null;
            try { if (text.Length > 0) json = JsonDocument.Parse(text).RootElement.Clone(); }
            catch (JsonException) { }
            return new Answer((int)response.StatusCode, json);
        }
        catch (Exception error) when (error is HttpRequestException or TimeoutRejectedException
                                      || error is TaskCanceledException && !ct.IsCancellationRequested)
        {
            // The operator reads what failed in the log; the answer names the address only (never the key, never the socket's words).
            logger.LogWarning(error, "Upstream {Upstream} could not be reached", baseUri);
            throw new UpstreamUnreachableException(UnreachableMessage(baseUri));
        }
    }

    /// <summary>The link's url, or this deployment's own address for a link to a tenant of the same deployment.</summary>
    public Uri BaseUri(string? url)
    {
        if (url is not null) return WithSlash(new Uri(url));
        if (options.Value.SelfUrl is { } self) return WithSlash(self);
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.FirstOrDefault()
            ?? throw new UpstreamUnreachableException(
                $"此进程不监听任何地址，无法调用本部署上的上级租户：请设置 {UpstreamOptions.Section}:SelfUrl。");
        // A wildcard listening address is reached on the loopback.
        address = address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://[::1]", StringComparison.Ordinal);
        return WithSlash(new Uri(address));
    }

    /// <summary>The one sentence every failure to reach upstream answers, whatever the cause (refused, timed out, no such host).</summary>
    public static string UnreachableMessage(Uri baseUri) => $"上级 {baseUri} 无法连接（连接失败或超时）；请稍后再试，或请运维人员检查网络。";

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}

/// <summary>Upstream could not be reached (after the retries): its message says where, in words a person reads.</summary>
public sealed class UpstreamUnreachableException(string message) : Exception(message);

/// <summary>The link's url is not on the operator's allow-list (any longer): nothing was sent.</summary>
public sealed class UpstreamNotAllowedException(string message) : Exception(message);
