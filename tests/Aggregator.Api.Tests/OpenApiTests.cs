using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>
/// The committed openapi/aggregator.v1.json is the contract clients build against. It must be what the
/// service serves. To regenerate it after a deliberate change:
/// <c>AGGREGATOR_WRITE_OPENAPI=1 dotnet test tests/Aggregator.Api.Tests --filter OpenApiTests</c>.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class OpenApiTests(ApiFixture api)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task Should_serve_the_document_that_is_committed()
    {
        var live = Normalise(await api.Admin().GetStringAsync("/swagger/v1/swagger.json"));
        var committedPath = Path.Combine(RepositoryPaths.Root, "openapi", "aggregator.v1.json");

        if (Environment.GetEnvironmentVariable("AGGREGATOR_WRITE_OPENAPI") == "1")
            await File.WriteAllTextAsync(committedPath, live + "\n");

        Assert.True(File.Exists(committedPath), "openapi/aggregator.v1.json is missing; see this test's summary to generate it.");
        var committed = Normalise(await File.ReadAllTextAsync(committedPath));
        Assert.True(committed == live,
            "The live OpenAPI document differs from openapi/aggregator.v1.json. If the change is deliberate, regenerate it: " +
            "AGGREGATOR_WRITE_OPENAPI=1 dotnet test tests/Aggregator.Api.Tests --filter OpenApiTests");
    }

    [Fact]
    public async Task Should_document_every_path_parameter_of_every_templated_route()
    {
        var document = JsonNode.Parse(await api.Admin().GetStringAsync("/swagger/v1/swagger.json"))!;

        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            var expected = RouteParameter().Matches(path).Select(m => m.Groups[1].Value).Order().ToList();
            foreach (var (method, operation) in operations!.AsObject())
            {
                var documented = (operation!["parameters"]?.AsArray() ?? [])
                    .Where(p => p!["in"]!.GetValue<string>() == "path")
                    .Select(p => p!["name"]!.GetValue<string>()).Order().ToList();
                Assert.True(expected.SequenceEqual(documented), $"{method.ToUpperInvariant()} {path} documents [{string.Join(", ", documented)}]");
            }
        }
    }

    [Fact]
    public async Task Should_give_no_get_a_request_body_and_every_operation_its_problem_answers()
    {
        var document = JsonNode.Parse(await api.Admin().GetStringAsync("/swagger/v1/swagger.json"))!;

        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                if (method is "get" or "delete") Assert.Null(operation!["requestBody"]);
                var responses = operation!["responses"]!.AsObject();
                // Public reads (/public/v1) take no key, so nothing there answers 401.
                var keyless = path.StartsWith("/public/v1/", StringComparison.Ordinal);
                if (keyless) Assert.False(responses.ContainsKey("401"), $"{method.ToUpperInvariant()} {path} documents 401 without taking a key");
                foreach (var status in keyless ? new[] { "500" } : ["401", "500"])
                {
                    Assert.True(responses.ContainsKey(status), $"{method.ToUpperInvariant()} {path} does not document {status}");
                    Assert.NotNull(responses[status]!["content"]?["application/problem+json"]);
                }
            }
        }
    }

    [Fact]
    public async Task Should_give_examples_for_submit_import_rollups_and_comparisons_that_their_schemas_accept()
    {
        var document = JsonNode.Parse(await api.Admin().GetStringAsync("/swagger/v1/swagger.json"))!;
        var schemas = new Contract.DocumentSchemas(document);
        var paths = document["paths"]!;
        const string report = "/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}";
        const string unit = "/api/v1/tenants/{tenant}/org-units/{org}";
        var examples = new (string What, JsonNode? Media)[]
        {
            ("submit request", paths[$"{report}/versions"]!["post"]!["requestBody"]!["content"]!["application/json"]),
            ("submit 201", paths[$"{report}/versions"]!["post"]!["responses"]!["201"]!["content"]!["application/json"]),
            ("import 201", paths[$"{report}/import"]!["post"]!["responses"]!["201"]!["content"]!["application/json"]),
            ("rollup 200", paths[$"{unit}/rollups/{{year}}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]),
            ("comparison 200", paths[$"{unit}/comparisons/{{year}}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]),
        };

        foreach (var (what, media) in examples)
        {
            Assert.True(media?["example"] is not null, $"{what} has no example");
            using var example = JsonDocument.Parse(media!["example"]!.ToJsonString());
            var errors = schemas.Check(media["schema"]!, example.RootElement);
            Assert.True(errors.Count == 0, $"{what}: {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public async Task Should_document_roles_kinds_and_template_codes_as_enums_and_values_as_numbers_or_null()
    {
        var document = JsonNode.Parse(await api.Admin().GetStringAsync("/swagger/v1/swagger.json"))!;
        var schemas = document["components"]!["schemas"]!;
        string[] Words(JsonNode? schema) => schema?["enum"]?.AsArray().Select(w => w!.GetValue<string>()).ToArray() ?? [];

        Assert.Equal(["tenant-admin", "reporter", "reviewer", "viewer"], Words(schemas["ApiKeysApiKeyView"]!["properties"]!["role"]));
        Assert.Contains("sub-district", Words(schemas["OrgUnitsOrgUnitView"]!["properties"]!["kind"]));
        Assert.Contains("district", Words(schemas["TenantsGetResponse"]!["properties"]!["kind"]));
        Assert.Contains("bj-gip-2017", Words(schemas["RollupsGetResponse"]!["properties"]!["template"]));
        var submit = document["paths"]!["/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions"]!["post"]!;
        var bodyRef = submit["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        Assert.Equal("#/components/schemas/ReportsSubmitRequest", bodyRef);
        var body = schemas["ReportsSubmitRequest"]!["properties"]!;
        Assert.Contains("cn-gip-2019", Words(body["template"]));
        Assert.Equal("object", body["values"]!["type"]!.GetValue<string>());
        Assert.Equal("number", body["values"]!["additionalProperties"]!["type"]!.GetValue<string>());
        Assert.True(body["values"]!["additionalProperties"]!["nullable"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Should_document_the_unsupported_media_type_answer_of_every_operation_with_a_body()
    {
        var document = JsonNode.Parse(await api.Admin().GetStringAsync("/swagger/v1/swagger.json"))!;

        foreach (var (path, operations) in document["paths"]!.AsObject())
            foreach (var (method, operation) in operations!.AsObject().Where(o => o.Value!["requestBody"] is not null))
                Assert.True(operation!["responses"]!.AsObject().ContainsKey("415"), $"{method.ToUpperInvariant()} {path} does not document 415");
    }

    [Fact]
    public async Task Should_describe_every_operation_and_tag_and_document_a_400_wherever_a_parameter_can_be_malformed()
    {
        var document = JsonNode.Parse(await api.Admin().GetStringAsync("/swagger/v1/swagger.json"))!;
        var failures = new List<string>();

        Assert.Equal("/", document["servers"]?[0]?["url"]?.GetValue<string>());
        foreach (var tag in document["tags"]!.AsArray())
            if (string.IsNullOrWhiteSpace(tag!["description"]?.GetValue<string>())) failures.Add($"tag {tag["name"]} has no description");
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                var name = $"{method.ToUpperInvariant()} {path}";
                var summary = operation!["summary"]?.GetValue<string>() ?? "";
                var description = operation["description"]?.GetValue<string>() ?? "";
                if (summary.Length == 0 || description.Length <= summary.Length) failures.Add($"{name}: summary '{summary}', description '{description}'");
                var malformable = (operation["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "query"
                    || (p["in"]!.GetValue<string>() == "path" && (p["schema"]!["type"]?.GetValue<string>() != "string" || p["schema"]!["format"] is not null)));
                var responses = operation["responses"]!.AsObject();
                if (malformable.Any() && responses["400"]?["content"]?["application/problem+json"] is null)
                    failures.Add($"{name} takes {string.Join(", ", malformable.Select(p => p!["name"]))} but documents no 400 problem");
                foreach (var (status, response) in responses)
                    foreach (var (mediaType, media) in response!["content"]?.AsObject() ?? [])
                    {
                        var schema = media!["schema"]!;
                        if (mediaType.StartsWith("text/", StringComparison.Ordinal) && schema.ToJsonString() != """{"type":"string"}""")
                            failures.Add($"{name} {status} {mediaType}: {schema.ToJsonString()}");
                        if (!mediaType.Contains("json", StringComparison.Ordinal) && !mediaType.StartsWith("text/", StringComparison.Ordinal)
                            && schema.ToJsonString() != """{"type":"string","format":"binary"}""")
                            failures.Add($"{name} {status} {mediaType}: {schema.ToJsonString()}");
                    }
            }
        }
        var revoke = document["paths"]!["/api/v1/tenants/{tenant}/api-keys/{id}"]!["delete"]!;
        Assert.StartsWith("Revokes a key", revoke["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("Who may call it: a key with the role tenant-admin (or the platform admin's key).", revoke["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Should_document_a_nullable_reference_as_one_of_the_reference_and_null_that_linters_and_validators_accept()
    {
        var document = JsonNode.Parse(await api.Admin().GetStringAsync("/swagger/v1/swagger.json"))!;
        var schemas = new Contract.DocumentSchemas(document);
        var stored = document["components"]!["schemas"]!["ReportsImportResponse"]!["properties"]!["stored"]!;

        Assert.Null(stored["nullable"]);
        Assert.Equal(2, stored["oneOf"]!.AsArray().Count);
        using var none = JsonDocument.Parse("null");
        using var number = JsonDocument.Parse("5");
        Assert.Empty(schemas.Check(stored, none.RootElement));
        Assert.NotEmpty(schemas.Check(stored, number.RootElement));
    }

    private static string Normalise(string json) => JsonNode.Parse(json)!.ToJsonString(Indented).ReplaceLineEndings("\n");

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex RouteParameter();
}
