using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using FastEndpoints;
using FluentValidation.Results;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Input;

/// <summary>
/// Refuses control characters anywhere in a bound request: every string property, nested objects, lists,
/// map keys and values, raw JSON kept as <see cref="JsonElement"/> (report values) and uploaded file names.
/// Runs for every endpoint before its handler, so no endpoint needs code of its own.
/// </summary>
public sealed class ControlCharacterBodyCheck : IGlobalPreProcessor
{
    private const int MaxDepth = 32;
    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, string Name)[]> PropertiesOf = new();

    public async Task PreProcessAsync(IPreProcessorContext context, CancellationToken ct)
    {
        if (context.Request is null || context.HttpContext.ResponseStarted()) return;
        var failures = new List<ValidationFailure>();
        Walk(context.Request, "", failures, depth: 0);
        if (failures.Count == 0) return;
        // FastEndpoints' own answer to validation failures, so that one 400 shape serves both.
        await context.HttpContext.Response.SendErrorsAsync(failures, cancellation: ct);
    }

    private static void Walk(object? value, string path, List<ValidationFailure> failures, int depth)
    {
        if (depth > MaxDepth) return;
        switch (value)
        {
            case null:
                return;
            case string text:
                if (ControlCharacters.In(text)) failures.Add(ControlCharacters.Failure(path));
                return;
            case JsonElement json:
                WalkJson(json, path, failures, depth);
                return;
            case IFormFile file:
                if (ControlCharacters.In(file.FileName))
                    failures.Add(new ValidationFailure(path, ProblemText.ControlCharactersFileName(path)));
                return;
            case IDictionary map:
                foreach (DictionaryEntry entry in map)
                {
                    var key = entry.Key.ToString() ?? "";
                    if (ControlCharacters.In(key)) failures.Add(ControlCharacters.KeyFailure(path, key));
                    else Walk(entry.Value, $"{path}.{key}", failures, depth + 1);
                }
                return;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items) Walk(item, $"{path}[{index++}]", failures, depth + 1);
                return;
        }

        var type = value.GetType();
        // Request types are this API's own; anything else (numbers, dates, FastEndpoints' EmptyRequest) holds no text.
        if (type.IsPrimitive || type.IsEnum || type.Namespace?.StartsWith("Aggregator.", StringComparison.Ordinal) != true) return;
        foreach (var (property, name) in PropertiesOf.GetOrAdd(type, Readable))
            Walk(property.GetValue(value), path.Length == 0 ? name : $"{path}.{name}", failures, depth + 1);
    }

    private static void WalkJson(JsonElement json, string path, List<ValidationFailure> failures, int depth)
    {
        if (depth > MaxDepth) return;
        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                if (TextOf(json) is not { } text) failures.Add(ControlCharacters.NotTextFailure(path));
                else if (ControlCharacters.In(text)) failures.Add(ControlCharacters.Failure(path));
                return;
            case JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    if (NameOf(property) is not { } name) failures.Add(ControlCharacters.NotTextFailure(path));
                    else if (ControlCharacters.In(name)) failures.Add(ControlCharacters.KeyFailure(path, name));
                    else WalkJson(property.Value, $"{path}.{name}", failures, depth + 1);
                }
                return;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in json.EnumerateArray()) WalkJson(item, $"{path}[{index++}]", failures, depth + 1);
                return;
        }
    }

    // JSON may escape half of a surrogate pair ("\ud800"), which is valid JSON but no text: System.Text.Json
    // refuses to unescape it (InvalidOperationException). Null here, a 400 naming the field above.
    private static string? TextOf(JsonElement json)
    {
        try { return json.GetString(); }
        catch (InvalidOperationException) { return null; }
    }

    private static string? NameOf(JsonProperty property)
    {
        try { return property.Name; }
        catch (InvalidOperationException) { return null; }
    }

    /// <summary>Public readable instance properties, named as the API spells them in JSON.</summary>
    private static (PropertyInfo, string)[] Readable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .Select(p => (p, p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name)))
            .ToArray();
}
