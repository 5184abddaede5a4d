using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Api.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Aggregator.Api.Tests.Deployment;

/// <summary>deploy/ read the way Docker, docker compose and kubectl read it, for tests that cannot run those.</summary>
public static partial class DeploymentFiles
{
    public static string Path(params string[] parts) => RepositoryPaths.Of(["deploy", .. parts]);

    /// <summary>A compose file (docker-compose.yml by default) with its YAML merge keys (<c>&lt;&lt;: *app</c>) applied.</summary>
    public static Yaml Compose(string file = "docker-compose.yml")
    {
        using var reader = new StringReader(File.ReadAllText(Path(file)));
        return new Yaml(new DeserializerBuilder().Build().Deserialize<object>(new MergingParser(new Parser(reader)))!);
    }

    public static Yaml ComposeService(string name) => Compose()["services"][name];

    /// <summary>Every document of every manifest in deploy/k8s (or another folder of deploy/), not its subfolders.</summary>
    public static IReadOnlyList<Yaml> Manifests(string folder = "k8s") => Directory.GetFiles(Path(folder.Split('/')), "*.yaml").Order(StringComparer.Ordinal)
        .SelectMany(file =>
        {
            using var reader = new StringReader(File.ReadAllText(file));
            var parser = new Parser(reader);
            var deserializer = new DeserializerBuilder().Build();
            var documents = new List<Yaml>();
            parser.Consume<StreamStart>();
            while (parser.Accept<DocumentStart>(out _))
                documents.Add(new Yaml(deserializer.Deserialize<object>(parser)!));
            return documents;
        })
        .ToList();

    public static Yaml Manifest(string kind, string name) =>
        Manifests().Single(m => m["kind"].Text == kind && m["metadata"]["name"].Text == name);

    /// <summary>The name=value lines of deploy/.env.example.</summary>
    public static IReadOnlyDictionary<string, string> EnvExample() => File.ReadAllLines(Path(".env.example"))
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('=', 2))
        .ToDictionary(p => p[0], p => p[1]);

    /// <summary>Compose's <c>${NAME}</c>, <c>${NAME:?message}</c> and <c>${NAME:-default}</c>, from <paramref name="values"/>.</summary>
    public static string Interpolate(string text, IReadOnlyDictionary<string, string> values) =>
        Interpolation().Replace(text, m =>
        {
            var name = m.Groups["name"].Value;
            if (values.TryGetValue(name, out var value) && value.Length > 0) return value;
            return m.Groups["op"].Value switch
            {
                ":-" => m.Groups["arg"].Value,
                ":?" => throw new InvalidOperationException($"{name} is required: {m.Groups["arg"].Value}"),
                _ => "",
            };
        });

    /// <summary>Every <c>${NAME…}</c> the text refers to.</summary>
    public static IEnumerable<string> InterpolatedNames(string text) => Interpolation().Matches(text).Select(m => m.Groups["name"].Value);

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:[-?])(?<arg>[^}]*))?\}")]
    private static partial Regex Interpolation();

    /// <summary>A Dockerfile's instructions (deploy/Dockerfile by default), by stage, continuation lines joined.</summary>
    public static IReadOnlyList<DockerStage> Dockerfile(string? path = null)
    {
        var stages = new List<DockerStage>();
        var joined = File.ReadAllText(path ?? Path("Dockerfile")).ReplaceLineEndings("\n").Replace("\\\n", " ");
        foreach (var line in joined.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var space = line.IndexOf(' ');
            var (keyword, argument) = (line[..space].ToUpperInvariant(), line[(space + 1)..].Trim());
            if (keyword == "FROM") stages.Add(new DockerStage(argument, []));
            else stages[^1].Instructions.Add(new DockerInstruction(keyword, argument));
        }
        return stages;
    }
}

public sealed record DockerInstruction(string Keyword, string Argument)
{
    /// <summary>The exec form's JSON array (ENTRYPOINT, CMD).</summary>
    public string[] ExecForm => JsonSerializer.Deserialize<string[]>(Argument)!;

    /// <summary>The words of a COPY or RUN, flags (<c>--from=…</c>, <c>--chmod=…</c>) left out.</summary>
    public string[] Words => Argument.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal) || Keyword == "RUN").ToArray();

    public bool Has(string flag) => Argument.Split(' ').Any(w => w.StartsWith(flag, StringComparison.Ordinal));
}

public sealed record DockerStage(string From, List<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    public DockerInstruction Single(string keyword) => All(keyword).Single();

    /// <summary>ENV name=value pairs (several per line).</summary>
    public IReadOnlyDictionary<string, string> Environment => All("ENV")
        .SelectMany(i => i.Argument.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Select(pair => pair.Split('=', 2))
        .ToDictionary(p => p[0], p => p[1]);
}

/// <summary>A node of a YAML document as deserialized: a mapping, a sequence or a scalar.</summary>
public sealed class Yaml(object? node)
{
    public object? Node => node;

    public bool Exists => node is not null;

    public Yaml this[string key] => new(node is IDictionary<object, object> map && map.TryGetValue(key, out var value) ? value : null);

    public Yaml this[int index] => new(((IList<object>)node!)[index]);

    public string? Text => node as string;

    public IReadOnlyList<Yaml> Items => node is IList<object> list ? list.Select(i => new Yaml(i)).ToList() : [];

    public IReadOnlyDictionary<string, Yaml> Entries => node is IDictionary<object, object> map
        ? map.ToDictionary(e => (string)e.Key, e => new Yaml(e.Value))
        : new Dictionary<string, Yaml>();

    public override string ToString() => node?.ToString() ?? "(none)";
}
