using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Aggregator.Api.Tests.Contract;

/// <summary>
/// The schemas of the served OpenAPI 3.0 document as JSON Schema 2020-12, for JsonSchema.Net: components
/// become <c>$defs</c>, <c>nullable: true</c> becomes a <c>null</c> type, and OpenAPI-only keywords go.
/// </summary>
public sealed class DocumentSchemas(JsonNode document)
{
    private const string Dialect = "https://json-schema.org/draft/2020-12/schema";
    private static int _builds;

    private readonly JsonObject _defs = ConvertMap(document["components"]?["schemas"]?.AsObject() ?? new JsonObject());

    /// <summary>The errors of <paramref name="body"/> against <paramref name="schema"/> (a schema object of the document); none when it conforms.</summary>
    public IReadOnlyList<string> Check(JsonNode schema, JsonElement body)
    {
        var id = new Uri($"https://aggregator.test/schemas/{Interlocked.Increment(ref _builds)}");
        var root = new JsonObject { ["$schema"] = Dialect, ["$id"] = id.ToString(), ["$defs"] = _defs.DeepClone() };
        foreach (var (name, value) in Convert(schema)!.AsObject()) root[name] = value?.DeepClone();
        var compiled = JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() }, id);
        var result = compiled.Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return (result.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation} ({detail.EvaluationPath}): {error.Value}"))
            .DefaultIfEmpty("does not conform (no detail)")
            .ToList();
    }

    private static JsonNode? Convert(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray array:
                return new JsonArray(array.Select(Convert).ToArray());
            case JsonObject source:
            {
                var target = new JsonObject();
                foreach (var (name, value) in source)
                {
                    if (name is "nullable" or "example" or "examples" or "xml" or "externalDocs" or "discriminator") continue;
                    target[name] = name == "$ref"
                        ? value!.GetValue<string>().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal)
                        : name is "properties" or "$defs" ? ConvertMap(value!.AsObject()) : Convert(value);
                }
                if (source["nullable"]?.GetValue<bool>() != true) return target;
                if (target["type"] is JsonValue type)
                {
                    target["type"] = new JsonArray(type.GetValue<string>(), "null");
                    if (target["enum"] is JsonArray words) words.Add(null);
                    return target;
                }
                return new JsonObject { ["anyOf"] = new JsonArray(target, new JsonObject { ["type"] = "null" }) };
            }
            default:
                return node?.DeepClone();
        }
    }

    private static JsonObject ConvertMap(JsonObject map)
    {
        var target = new JsonObject();
        foreach (var (name, value) in map) target[name] = Convert(value);
        return target;
    }
}
