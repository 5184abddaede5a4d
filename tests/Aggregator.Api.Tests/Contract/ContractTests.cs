using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Tests.Infrastructure;
using static Aggregator.Api.Tests.Contract.ContractWorld;

namespace Aggregator.Api.Tests.Contract;

/// <summary>
/// The OpenAPI document is checked against reality: for every operation it lists, every status it documents
/// is provoked with a real request (see <see cref="Provocations"/>), and the real body is validated against
/// the documented schema of its media type with JsonSchema.Net. A documented status nobody can provoke fails.
/// With <see cref="BaseUrlVariable"/> set, every call goes to that address instead, a proxy in front of this test's
/// API (deploy/contract-check.sh puts Prism there, which checks each answer against the document on its own).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class ContractTests(ApiFixture api)
{
    /// <summary>An address that forwards to this test's API (see <see cref="ApiFixture.PortVariable"/>), to send every call through.</summary>
    public const string BaseUrlVariable = "AGGREGATOR_CONTRACT_BASE_URL";

    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];
    private static readonly Uri? BaseUrl = Environment.GetEnvironmentVariable(BaseUrlVariable) is { Length: > 0 } url ? new Uri(url) : null;
    private static readonly HttpClient Proxied = new() { Timeout = TimeSpan.FromMinutes(2) };

    [Fact]
    public async Task Should_send_for_every_documented_status_of_every_operation_a_body_its_schema_accepts()
    {
        var document = JsonNode.Parse(await api.Admin().GetStringAsync("/swagger/v1/swagger.json"))!;
        var schemas = new DocumentSchemas(document);
        var world = await ContractWorld.CreateAsync(api);
        // 429 needs a limit, and the fixture's host has none: a second host over the same database, one request a minute.
        await using var limited = Limits.LimitsHost.Start(api, new Dictionary<string, string?> { ["Aggregator:RateLimit:PermitsPerMinute"] = "1" });
        var failures = new List<string>();
        var documented = new HashSet<string>();

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject().Where(pair => Methods.Contains(pair.Key)))
            {
                var name = $"{method.ToUpperInvariant()} {path}";
                if (!Provocations.Ok.TryGetValue(name, out var ok))
                {
                    failures.Add($"{name}: no successful request in Provocations.Ok");
                    continue;
                }
                Task<HttpResponseMessage> Send(Call call) => SendAsync(world, method, path, call);
                foreach (var (statusKey, response) in operation!["responses"]!.AsObject())
                {
                    var status = int.Parse(statusKey, System.Globalization.CultureInfo.InvariantCulture);
                    documented.Add($"{name} {status}");
                    var provoke = status == 429
                        ? RateLimited(limited, method, path)
                        : ProvocationFor(name, path, status, operation!.AsObject());
                    if (provoke is null)
                    {
                        failures.Add($"{name} documents {status}, but Provocations has no way to provoke it");
                        continue;
                    }
                    using var answer = await provoke(world, ok(world), Send);
                    failures.AddRange((await CheckAsync(answer, status, response!, schemas)).Select(f => $"{name} {status}: {f}"));
                }
            }
        }
        foreach (var (name, statuses) in Provocations.Special)
            foreach (var status in statuses.Keys.Where(status => !documented.Contains($"{name} {status}")))
                failures.Add($"{name} {status} is provoked by the test but not documented");

        Assert.True(failures.Count == 0, $"{failures.Count} answer(s) differ from the document:\n" + string.Join("\n", failures));
    }

    private static Provocation? ProvocationFor(string name, string path, int status, JsonObject operation)
    {
        if (Provocations.Special.TryGetValue(name, out var special) && special.TryGetValue(status, out var provoke)) return provoke;
        var successes = operation["responses"]!.AsObject().Select(pair => pair.Key).Where(key => key.StartsWith('2')).ToList();
        return status switch
        {
            >= 200 and < 300 when successes.Count == 1 => (_, ok, send) => send(ok),
            400 => Provocations.MalformedPath(operation),
            401 => (_, ok, send) => send(ok with { Key = null }),
            403 => ForbiddenAsync,
            404 => (_, ok, send) => send(Unknown(path, ok)),
            413 => (_, ok, send) => send(ok with { Body = TooLarge(ok) }),
            415 => (_, ok, send) => send(ok with { Body = Text("1.1=975") }),
            500 => (_, ok, send) => send(ok.WithHeader(FailureOnRequest.Header, "1")),
            503 => (_, ok, send) => send(ok.WithHeader(FailureOnRequest.Header, FailureOnRequest.ReadOnly)),
            _ => null,
        };
    }

    /// <summary>
    /// 429: the call's key spends its one permit of the minute on a read of the templates, so that the call itself
    /// is refused before it reaches its endpoint (and changes nothing the other provocations rely on).
    /// </summary>
    private Provocation RateLimited(Infrastructure.ApiFactory limited, string method, string path) => async (world, ok, _) =>
    {
        var spender = limited.CreateClient();
        spender.DefaultRequestHeaders.Add("X-Api-Key", ok.Key);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var spent = await spender.GetAsync("/api/v1/templates");
            if ((int)spent.StatusCode == 429) break;
        }
        var answer = await SendAsync(world, method, path, ok, limited);
        if ((int)answer.StatusCode == 429 && answer.Headers.RetryAfter?.Delta is not { TotalSeconds: >= 1 })
            throw new InvalidOperationException($"{method} {path}: a 429 without Retry-After in seconds");
        return answer;
    };

    /// <summary>403: some key of the tenant whose role may not do this.</summary>
    private static async Task<HttpResponseMessage> ForbiddenAsync(ContractWorld world, Call ok, Send send)
    {
        HttpResponseMessage? last = null;
        foreach (var key in world.RoleKeys)
        {
            last?.Dispose();
            last = await send(ok with { Key = key });
            if ((int)last.StatusCode == 403) return last;
        }
        return last!;
    }

    /// <summary>404: the outermost route value replaced by one that names nothing.</summary>
    private static Call Unknown(string path, Call ok)
    {
        foreach (var (name, unknown) in new[] { ("tenant", "no-such-tenant"), ("code", "no-such-template"), ("id", Guid.NewGuid().ToString()) })
            if (path.Contains($"{{{name}}}", StringComparison.Ordinal)) return ok.WithRoute(name, unknown);
        throw new InvalidOperationException($"{path}: no route value to replace.");
    }

    private static Func<HttpContent> TooLarge(Call ok)
    {
        var isForm = ok.Body?.Invoke() is MultipartFormDataContent;
        var big = new string('x', (int)ApiRegistration.MaxRequestBodyBytes + 1024);
        return isForm ? Form(System.Text.Encoding.UTF8.GetBytes(big)) : RawJson($"{{\"note\":\"{big}\"}}");
    }

    private async Task<HttpResponseMessage> SendAsync(ContractWorld world, string method, string pathTemplate, Call call,
        Infrastructure.ApiFactory? host = null)
    {
        if (Provocations.NeedsNewUnit(call))
            call = call.WithRoute("org", await new TestData(api).OrgUnitAsync(world.Tenant, name: "新街道"));
        var path = RouteValue().Replace(pathTemplate, match => Uri.EscapeDataString(
            call.Route.TryGetValue(match.Groups[1].Value, out var value) ? value : throw new InvalidOperationException($"No value for {match.Value}")));
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path + call.Query) { Content = call.Body?.Invoke() };
        if (call.Key is not null) request.Headers.Add("X-Api-Key", call.Key);
        // A body over the limit is answered 413 before it is read; with 100-continue the client reads that answer
        // instead of failing on a broken pipe while still sending.
        if (request.Content is not null) request.Headers.ExpectContinue = true;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        foreach (var (name, value) in call.Headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        if (host is null && BaseUrl is not null && await ProxyCanCarryAsync(request.Content))
        {
            request.RequestUri = new Uri(BaseUrl, request.RequestUri!);
            return await Proxied.SendAsync(request);
        }
        return await (host ?? api.Factory).CreateClient().SendAsync(request);
    }

    /// <summary>
    /// Prism forwards a body as text, and stops on a JSON body it cannot parse: a binary upload (.docx) or a deliberately
    /// broken JSON body goes straight to the API instead (checked here against the document as every call is).
    /// </summary>
    private static async Task<bool> ProxyCanCarryAsync(HttpContent? content)
    {
        if (content is null) return true;
        var bytes = await content.ReadAsByteArrayAsync();
        string text;
        try { text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (System.Text.DecoderFallbackException) { return false; }
        if (content.Headers.ContentType?.MediaType != "application/json") return true;
        try { using var _ = JsonDocument.Parse(text); return true; }
        catch (JsonException) { return false; }
    }

    private static async Task<IReadOnlyList<string>> CheckAsync(HttpResponseMessage answer, int status, JsonNode documented, DocumentSchemas schemas)
    {
        var body = await answer.Content.ReadAsStringAsync();
        if ((int)answer.StatusCode != status) return [$"answered {(int)answer.StatusCode}: {Shorten(body)}"];

        var content = documented["content"]?.AsObject();
        if (content is null || content.Count == 0)
            return body.Length == 0 ? [] : [$"documents no body but sent {Shorten(body)}"];

        var mediaType = answer.Content.Headers.ContentType?.MediaType ?? "(none)";
        if (!content.ContainsKey(mediaType))
            return [$"sent {mediaType}, documents {string.Join(", ", content.Select(pair => pair.Key))}: {Shorten(body)}"];
        var schema = content[mediaType]!["schema"];
        if (schema is null) return [];
        // A download (.xlsx, .csv) is checked by its own tests; here only that it is the documented media type and not empty.
        if (schema["format"]?.GetValue<string>() == "binary")
            return (await answer.Content.ReadAsByteArrayAsync()).Length > 0 ? [] : ["sent an empty file"];
        // Text that is not JSON (text/csv) is a string: its schema is checked against the text as one JSON string.
        if (!DownloadSchemas.IsJson(mediaType))
        {
            using var text = JsonDocument.Parse(JsonSerializer.Serialize(body));
            return body.Length == 0 ? ["sent an empty text"] : schemas.Check(schema, text.RootElement).Select(error => $"{error} in {Shorten(body)}").ToList();
        }
        using var json = JsonDocument.Parse(body);
        return schemas.Check(schema, json.RootElement).Select(error => $"{error} in {Shorten(body)}")
            .Concat(mediaType == "application/problem+json" ? InChinese(answer, json.RootElement) : [])
            .ToList();
    }

    /// <summary>
    /// Every call goes without Accept-Language, as the page's readers' do: a problem reads in Chinese, says so in
    /// Content-Language, and its title, detail and rule messages hold no English sentence (codes and paths aside).
    /// </summary>
    private static IEnumerable<string> InChinese(HttpResponseMessage answer, JsonElement problem)
    {
        if (!answer.Content.Headers.ContentLanguage.SequenceEqual(["zh-CN"]))
            yield return $"Content-Language {string.Join(",", answer.Content.Headers.ContentLanguage)}, not zh-CN";
        var texts = new[] { "title", "detail" }
            .Select(member => problem.TryGetProperty(member, out var text) ? text.GetString() : null)
            .Concat(new[] { "rules", "warnings", "errors" }.SelectMany(member =>
                problem.TryGetProperty(member, out var list) && list.ValueKind == JsonValueKind.Array
                    ? list.EnumerateArray().Select(item => item.TryGetProperty("message", out var m) ? m.GetString()
                        : item.TryGetProperty("reason", out var r) ? r.GetString() : null)
                    : []));
        foreach (var text in texts.OfType<string>())
            if (ProblemLanguageTests.EnglishSentence().IsMatch(text)) yield return $"English in a Chinese answer: {text}";
    }

    private static string Shorten(string body) => body.Length <= 600 ? body : body[..600] + "…";

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex RouteValue();
}
