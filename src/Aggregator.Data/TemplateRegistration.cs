using Aggregator.Domain.Templates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Data;

public static class TemplateRegistration
{
    /// <summary>
    /// Loads db/templates (copied beside the binaries, or Aggregator:TemplateDirectory) once, at start-up:
    /// a malformed template stops the process with a message naming the file and the fault.
    /// </summary>
    public static IHostApplicationBuilder AddTemplates(this IHostApplicationBuilder builder)
    {
        var directory = builder.Configuration["Aggregator:TemplateDirectory"]
                        ?? Path.Combine(AppContext.BaseDirectory, "templates");
        builder.Services.AddSingleton(TemplateCatalog.LoadFromDirectory(directory));
        return builder;
    }
}
