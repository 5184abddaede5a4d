using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>A report submission as JSON: the seed's values by default, with any cell changed or broken.</summary>
public sealed class ReportBody
{
    private readonly List<KeyValuePair<string, JsonNode?>> _values;

    private ReportBody(string template, IEnumerable<KeyValuePair<string, JsonNode?>> values)
    {
        Template = template;
        _values = values.ToList();
    }

    public string Template { get; private set; }
    public string? Note { get; private set; }

    public static ReportBody Seed() =>
        new(SeedReport.Template, SeedReport.Values.Select(pair => KeyValuePair.Create(pair.Key, JsonSerializer.SerializeToNode(pair.Value))));

    /// <summary>A report of <paramref name="template"/> without any value yet.</summary>
    public static ReportBody Empty(string template) => new(template, []);

    /// <summary>The same report without <paramref name="code"/> at all (absent, not null).</summary>
    public ReportBody Without(string code)
    {
        _values.RemoveAll(pair => pair.Key == code);
        return this;
    }

    /// <summary>The same report with <paramref name="code"/> set to JSON written exactly as given, e.g. a number with 30 decimals.</summary>
    public ReportBody WithJson(string code, string json) => With(code, JsonNode.Parse(json));

    /// <summary>The same report with <paramref name="code"/> set to any JSON value (number, text, null).</summary>
    public ReportBody With(string code, object? value)
    {
        var node = JsonSerializer.SerializeToNode(value);
        var index = _values.FindIndex(pair => pair.Key == code);
        if (index >= 0) _values[index] = KeyValuePair.Create(code, node);
        else _values.Add(KeyValuePair.Create(code, node));
        return this;
    }

    /// <summary>The same report with <paramref name="count"/> made-up indicator codes (z00001, z00002, …) added, each set to 1.</summary>
    public ReportBody WithUnknownCodes(int count)
    {
        for (var i = 1; i <= count; i++) _values.Add(KeyValuePair.Create($"z{i:D5}", (JsonNode?)JsonValue.Create(1)));
        return this;
    }

    public ReportBody WithTemplate(string template)
    {
        Template = template;
        return this;
    }

    public ReportBody WithNote(string note)
    {
        Note = note;
        return this;
    }

    public JsonObject ToJson()
    {
        var values = new JsonObject();
        foreach (var (code, value) in _values) values[code] = value?.DeepClone();
        var body = new JsonObject { ["template"] = Template, ["values"] = values };
        if (Note is not null) body["note"] = Note;
        return body;
    }
}
