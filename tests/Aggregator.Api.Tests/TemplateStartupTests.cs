using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Domain.Templates;

namespace Aggregator.Api.Tests;

public sealed class TemplateStartupTests : IDisposable
{
    private readonly string _templates = Directory.CreateTempSubdirectory("aggregator-templates-").FullName;

    [Fact]
    public void Should_refuse_to_start_with_a_malformed_template_and_name_the_file()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "templates");
        foreach (var file in Directory.GetFiles(shipped, "*.json"))
            File.Copy(file, Path.Combine(_templates, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(_templates, "cn-gip-2021.json"), "{ \"code\": \"cn-gip-2021\", ");

        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none",
            ["Aggregator:TemplateDirectory"] = _templates,
        });

        var error = Assert.Throws<TemplateLoadException>(factory.StartServer);
        Assert.Contains("cn-gip-2021.json", error.Message);
    }

    public void Dispose() => Directory.Delete(_templates, recursive: true);
}
