using System.Text.Json.Nodes;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Domain.Templates;

namespace Aggregator.Api.Tests.Imports;

/// <summary>The narrative phrases are part of a template: one that cannot be compiled stops the start-up like any malformed template.</summary>
public sealed class NarrativeTemplateStartupTests : IDisposable
{
    private readonly string _templates = Directory.CreateTempSubdirectory("aggregator-templates-").FullName;

    [Fact]
    public void Should_refuse_to_start_with_a_narrative_phrase_that_states_no_number_and_name_the_file()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "templates");
        foreach (var file in Directory.GetFiles(shipped, "*.json"))
            File.Copy(file, Path.Combine(_templates, Path.GetFileName(file)));
        var path = Path.Combine(_templates, "bj-gip-2017.json");
        var template = JsonNode.Parse(File.ReadAllText(path))!;
        template["narrative"]!.AsArray().Add(JsonNode.Parse("""{"indicator":"1.1","phrases":["共主动公开政府信息[若干]条"]}"""));
        File.WriteAllText(path, template.ToJsonString());

        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none",
            ["Aggregator:TemplateDirectory"] = _templates,
        });

        var error = Assert.Throws<TemplateLoadException>(factory.StartServer);
        Assert.Contains("bj-gip-2017.json", error.Message);
        Assert.Contains("states nothing", error.Message);
    }

    public void Dispose() => Directory.Delete(_templates, recursive: true);
}
